// Simplified Chinese for the Modelfile messages (see localize.ts): the parser and validator, Go
// templates (TEMPLATE), and what profiles do when they are created and loaded.
// The lead merges this into messagesZhCn; the English text is the key and `{0}`, `{1}`… appear
// in the translation exactly as in the English.
export const modelfileMessagesZhCn: Readonly<Record<string, string>> = {
  "{0} needs a value after it on the same line.":
    "{0} 后面需要在同一行写上值。",
  "This value opens with \"\"\" but no later line ends with \"\"\", so it runs to the end of the file. End the value's last line with \"\"\".":
    "这个值以 \"\"\" 开头，但后面没有任何一行以 \"\"\" 结尾，因此它一直延续到文件末尾。请在该值的最后一行末尾加上 \"\"\"。",
  "This value opens with a quote (\") but no line ends with the closing quote, so it runs to the end of the file. A quoted value ends only at a line that ends with \"; use \"\"\" for text that contains quotes.":
    "这个值以引号（\"）开头，但没有任何一行以闭合引号结尾，因此它一直延续到文件末尾。带引号的值只会在以 \" 结尾的行处结束；如果文本中包含引号，请使用 \"\"\"。",
  "Unknown instruction \"{0}\". A Modelfile line starts with FROM, PARAMETER, TEMPLATE, SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, DRAFT, RENDERER or PARSER, or with # for a comment.":
    "未知指令“{0}”。Modelfile 的每一行应以 FROM、PARAMETER、TEMPLATE、SYSTEM、ADAPTER、LICENSE、MESSAGE、REQUIRES、DRAFT、RENDERER 或 PARSER 开头，注释行以 # 开头。",
  "PARAMETER needs a name and a value, for example PARAMETER temperature 0.7.":
    "PARAMETER 需要参数名和值，例如 PARAMETER temperature 0.7。",
  "MESSAGE needs a role (system, user or assistant) and the message, for example MESSAGE user Hello.":
    "MESSAGE 需要角色（system、user 或 assistant）和消息内容，例如 MESSAGE user Hello。",
  "\"{0}\" is not a parameter name: names use only letters, digits and _ (for example num_ctx).":
    "“{0}”不是参数名：参数名只能包含字母、数字和 _（例如 num_ctx）。",
  "\"{0}\" is not a message role. Use system, user or assistant, in lower case.":
    "“{0}”不是消息角色。请使用小写的 system、user 或 assistant。",
  "PARAMETER {0} needs a value after the name.":
    "PARAMETER {0} 的参数名后面需要一个值。",
  "MESSAGE {0} needs the message text after the role.":
    "MESSAGE {0} 的角色后面需要消息内容。",
  "a whole number":
    "一个整数",
  "a number":
    "一个数字",
  "true or false":
    "true 或 false",
  "text":
    "文本",
  "from {0} to {1}":
    "{0} 到 {1}",
  "{0} or more":
    "不小于 {0}",
  "{0} or less":
    "不大于 {0}",
  "This Modelfile has no FROM line. Add one that names the base model, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf.":
    "此 Modelfile 没有 FROM 行。请添加一行指定基础模型，例如 FROM qwen2.5-coder:1.5b，或指定 GGUF 文件：FROM ./model.gguf。",
  "This Modelfile has more than one FROM; the one on line {0} is the base model, so this one is not used.":
    "此 Modelfile 有多个 FROM；第 {0} 行的 FROM 才是基础模型，因此这一行不会生效。",
  "{0} is set again on line {1}, which overrides this value.":
    "{0} 在第 {1} 行再次设置，会覆盖这里的值。",
  "{0} appears again on line {1}; only the last one is used, so this one has no effect.":
    "{0} 在第 {1} 行再次出现；只有最后一个生效，因此这一行不起作用。",
  "REQUIRES needs an Ollama version number such as 0.14.0, not \"{0}\".":
    "REQUIRES 需要 Ollama 版本号（例如 0.14.0），而不是“{0}”。",
  "Unknown parameter \"{0}\". See the Modelfile documentation for the parameters Ollama accepts (temperature, num_ctx, top_p, stop…).":
    "未知参数“{0}”。Ollama 接受的参数（temperature、num_ctx、top_p、stop 等）请参阅 Modelfile 文档。",
  "Unknown parameter \"{0}\". Did you mean {1}?":
    "未知参数“{0}”。你是不是想写 {1}？",
  "Ollama no longer supports the parameter {0} and refuses to create the model. Remove this line.":
    "Ollama 已不再支持参数 {0}，并会拒绝创建模型。请删除这一行。",
  "The parameter {0} is deprecated: Ollama ignores it. Remove this line.":
    "参数 {0} 已弃用：Ollama 会忽略它。请删除这一行。",
  "{0} needs {1}, not \"{2}\". For example: {3}":
    "{0} 需要{1}，而不是“{2}”。例如：{3}",
  "{0} is {1}, outside the range that makes sense ({2}).":
    "{0} 的值为 {1}，超出了合理范围（{2}）。",
  "This {{ end }} closes nothing: there is no open if, range, with, define or block before it.":
    "这个 {{ end }} 没有可以结束的块：它前面没有未结束的 if、range、with、define 或 block。",
  "Ollama no longer sets .{0}; it is always empty. Use {{ if .System }} or range over .Messages instead.":
    "Ollama 已不再设置 .{0}，它始终为空。请改用 {{ if .System }}，或对 .Messages 使用 range。",
  "Ollama does not define .{0} in templates; it renders as nothing or stops the template. Defined are .System, .Prompt, .Response, .Messages (with .Role and .Content) and .Tools.":
    "Ollama 的模板中没有定义 .{0}；它会渲染为空，或使模板执行中止。已定义的变量有 .System、.Prompt、.Response、.Messages（含 .Role 和 .Content）和 .Tools。",
  "Ollama does not define .{0} in templates. Did you mean .{1}?":
    "Ollama 的模板中没有定义 .{0}。你是不是想写 .{1}？",
  "{0} names {1}, which does not exist. Paths are absolute or relative to the Modelfile's folder.":
    "{0} 指定的 {1} 不存在。路径应为绝对路径，或相对于 Modelfile 所在文件夹的路径。",
  "\"{0}\" is neither a model name nor a path. A name looks like qwen2.5-coder:1.5b (lower-case letters, digits, '.', '-' and '_'); a path starts with ./, / or ~/ or ends in .gguf.":
    "“{0}”既不是模型名称也不是路径。模型名称形如 qwen2.5-coder:1.5b（小写字母、数字、'.'、'-' 和 '_'）；路径以 ./、/ 或 ~/ 开头，或以 .gguf 结尾。",
  "No model named {0} is installed, and Hearth's catalogue does not have it. Pull or import it first (Hearth: Pull Model… in VS Code, hearth pull on the command line), or point FROM at a GGUF file.":
    "没有安装名为 {0} 的模型，Hearth 的模型目录中也没有它。请先拉取或导入该模型（在 VS Code 中使用“Hearth: 拉取模型…”，在命令行中使用 hearth pull），或让 FROM 指向一个 GGUF 文件。",
  "warning: {0}, line {1}: {2}":
    "警告：{0} 第 {1} 行：{2}",
  "This string has a broken escape sequence (\\{0}).":
    "此字符串中有无效的转义序列（\\{0}）。",
  "This string has no closing quote (\").":
    "此字符串缺少结束引号（\"）。",
  "This raw string has no closing backquote (`).":
    "此原始字符串缺少结束反引号（`）。",
  "This character constant has no closing quote (').":
    "此字符常量缺少结束单引号（'）。",
  "A character constant holds exactly one character.":
    "字符常量只能包含一个字符。",
  "\"{0}\" is not a number.":
    "“{0}”不是数字。",
  "Complex numbers are not supported in templates.":
    "模板中不支持复数。",
  "Unexpected \"{0}\" in this action.":
    "此动作中出现了意外的“{0}”。",
  "This comment has no closing */.":
    "此注释缺少结束的 */。",
  "A comment must end the action: write */}} or */ -}} right after it.":
    "注释必须是整个动作：请在注释之后紧接着写 */}} 或 */ -}}。",
  "This {{ has no matching }}: the template does not parse.":
    "这个 {{ 没有对应的 }}：模板无法解析。",
  "This action is empty: write something between {{ and }}.":
    "此动作为空：请在 {{ 和 }} 之间写入内容。",
  "This {{ else }} belongs to no if, with or range.":
    "这个 {{ else }} 不属于任何 if、with 或 range。",
  "This {{ else }} comes after another {{ else }} of the same block.":
    "这个 {{ else }} 出现在同一块的另一个 {{ else }} 之后。",
  "\"else {0}\" is allowed only inside {{ {0} }}.":
    "“else {0}”只能用在 {{ {0} }} 中。",
  "Unexpected \"{0}\" after else.":
    "else 之后出现了意外的“{0}”。",
  "Unexpected \"{0}\" after end.":
    "end 之后出现了意外的“{0}”。",
  "Unexpected \"{0}\" after {1}.":
    "{1} 之后出现了意外的“{0}”。",
  "{{ {0} }} is allowed only inside {{ range }}.":
    "{{ {0} }} 只能用在 {{ range }} 中。",
  "{0} needs a template name in quotes, for example {{ {0} \"header\" }}.":
    "{0} 需要用引号括起来的模板名称，例如 {{ {0} \"header\" }}。",
  "Unexpected \"{0}\" after define.":
    "define 之后出现了意外的“{0}”。",
  "{{ define }} is allowed only at the top level of a template.":
    "{{ define }} 只能出现在模板的最外层。",
  "This {{ {0} }} has no {{ end }}.":
    "这个 {{ {0} }} 缺少 {{ end }}。",
  "This {{ {0} }} has no {{ end }}: every if, range and with needs one.":
    "这个 {{ {0} }} 缺少 {{ end }}：每个 if、range 和 with 都需要一个。",
  "No template named \"{0}\" is defined.":
    "没有定义名为“{0}”的模板。",
  "The variable {0} is not defined; declare it with := first.":
    "变量 {0} 尚未定义；请先用 := 声明它。",
  "Two variables can be declared only in a range: {{ range $i, $m := .Messages }}.":
    "只有 range 中才能声明两个变量：{{ range $i, $m := .Messages }}。",
  "$ cannot be declared or assigned: it is always the data the template was given.":
    "$ 不能被声明或赋值：它始终是传给模板的数据。",
  "{{ {0} }} needs a value to test, for example {{ {0} .System }}.":
    "{{ {0} }} 需要一个用于判断的值，例如 {{ {0} .System }}。",
  "A value is missing here.":
    "此处缺少一个值。",
  "{0} takes {1} argument(s), not {2}.":
    "{0} 需要 {1} 个参数，而不是 {2} 个。",
  "{0} needs at least {1} argument(s).":
    "{0} 至少需要 {1} 个参数。",
  "{0} takes at most {1} argument(s), not {2}.":
    "{0} 最多接受 {1} 个参数，而不是 {2} 个。",
  "nil is not a command.":
    "nil 不是命令。",
  "Only a function takes arguments; {0} is a value.":
    "只有函数可以接受参数；{0} 是一个值。",
  "{0} is not a function, so it cannot take arguments.":
    "{0} 不是函数，因此不能接受参数。",
  "The variable {0} is not defined here.":
    "变量 {0} 在此处未定义。",
  "Unexpected \".\" before a field.":
    "字段前出现了意外的“.”。",
  "\"{0}\" cannot be used here: it starts an action of its own.":
    "“{0}”不能用在这里：它本身是一个独立动作的开头。",
  "The function \"{0}\" is not defined.":
    "函数“{0}”未定义。",
  "This ( has no matching ).":
    "这个 ( 没有对应的 )。",
  "The template's output grew past {0} characters; it probably loops.":
    "模板输出超过了 {0} 个字符；它可能陷入了循环。",
  "The template ran more than {0} steps; it probably loops.":
    "模板执行超过了 {0} 步；它可能陷入了循环。",
  "Templates call each other more than {0} levels deep.":
    "模板之间的相互调用超过了 {0} 层。",
  "range cannot go over a {0}.":
    "range 不能遍历 {0} 类型的值。",
  "eq needs at least two values to compare.":
    "eq 至少需要两个值来比较。",
  "{0} compares two numbers or two strings, not a {1} and a {2}.":
    "{0} 只能比较两个数字或两个字符串，不能比较 {1} 和 {2}。",
  "len cannot measure a {0}.":
    "len 无法计算 {0} 类型值的长度。",
  "index {0} is out of range (the length is {1}).":
    "索引 {0} 超出范围（长度为 {1}）。",
  "index of a nil value.":
    "无法对 nil 值使用 index。",
  "index cannot look into a {0}.":
    "index 无法在 {0} 类型的值中查找。",
  "slice cannot cut a {0}.":
    "slice 无法切分 {0} 类型的值。",
  "slice needs whole numbers as bounds.":
    "slice 的边界必须是整数。",
  "slice bounds out of range [{0}:{1}] with length {2}.":
    "slice 边界 [{0}:{1}] 超出范围，长度为 {2}。",
  "The function \"{0}\" is not supported by Hearth's templates.":
    "Hearth 的模板不支持函数“{0}”。",
  "A {0} has no field {1}.":
    "{0} 类型的值没有字段 {1}。",
  "{0} REQUIRES Ollama {1}, but Hearth runs Modelfiles of Ollama {2} and earlier, so it may use features Hearth does not have. Update Hearth, or create the model again from a Modelfile with an earlier REQUIRES.":
    "{0} 通过 REQUIRES 要求 Ollama {1}，但 Hearth 支持的是 Ollama {2} 及更早版本的 Modelfile，因此该模型可能用到 Hearth 没有的功能。请更新 Hearth，或用 REQUIRES 版本更早的 Modelfile 重新创建该模型。",
  "RENDERER {0} formats the prompt, so this TEMPLATE is not used (as in Ollama). Hearth prompts the model with its own chat template. Remove RENDERER to use this TEMPLATE.":
    "RENDERER {0} 负责构造提示词，因此这个 TEMPLATE 不会被使用（与 Ollama 相同）。Hearth 会用模型自带的聊天模板构造提示词。若要使用此 TEMPLATE，请删除 RENDERER。",
  "This Modelfile REQUIRES Ollama {0}, but Hearth runs Modelfiles of Ollama {1} and earlier, so the model may use features Hearth does not have. Use an earlier version in REQUIRES if the model works with it, or update Hearth.":
    "此 Modelfile 通过 REQUIRES 要求 Ollama {0}，但 Hearth 支持的是 Ollama {1} 及更早版本的 Modelfile，因此该模型可能用到 Hearth 没有的功能。如果模型在更早的版本上也能运行，请在 REQUIRES 中填写更早的版本，或者更新 Hearth。",
  "The TEMPLATE does not parse: {0}":
    "TEMPLATE 无法解析：{0}",
  "Ollama has no built-in renderer named \"{0}\", so Ollama refuses this model. Known renderers: {1}.":
    "Ollama 没有名为“{0}”的内置渲染器，因此 Ollama 会拒绝此模型。已知的渲染器：{1}。",
  "Ollama has no built-in renderer named \"{0}\". Did you mean {1}?":
    "Ollama 没有名为“{0}”的内置渲染器。你是不是想写 {1}？",
  "Ollama has no built-in parser named \"{0}\", so Ollama refuses this model. Known parsers: {1}.":
    "Ollama 没有名为“{0}”的内置解析器，因此 Ollama 会拒绝此模型。已知的解析器：{1}。",
  "Ollama has no built-in parser named \"{0}\". Did you mean {1}?":
    "Ollama 没有名为“{0}”的内置解析器。你是不是想写 {1}？",
  "DRAFT names {0}, which is not installed. Pull or import the draft model first (it must share the base model's tokenizer), or point DRAFT at a GGUF file.":
    "DRAFT 指定的 {0} 尚未安装。请先拉取或导入该草稿模型（它必须与基础模型使用相同的分词器），或让 DRAFT 指向一个 GGUF 文件。",
  "The TEMPLATE of {0} does not parse: {1} Fix it in the model's Modelfile (Show Modelfile) and create the model again.":
    "{0} 的 TEMPLATE 无法解析：{1} 请在该模型的 Modelfile 中修正它（显示 Modelfile），然后重新创建模型。",
  "The draft model of {0} ({1}) cannot be found: {2}":
    "找不到 {0} 的草稿模型（{1}）：{2}",
  "The draft model {0} does not use the tokenizer of {1}, so it cannot draft tokens for it. Name a smaller model of the same family in DRAFT, or remove DRAFT.":
    "草稿模型 {0} 与 {1} 使用的分词器不同，因此无法为它预生成 token。请在 DRAFT 中指定同一系列中更小的模型，或删除 DRAFT。",
  "Hearth could not prepare the draft model {0} for {1}: {2}. Lower the context size, or remove DRAFT from the Modelfile.":
    "Hearth 无法为 {1} 准备草稿模型 {0}：{2}。请降低上下文大小，或从 Modelfile 中删除 DRAFT。",
  "The TEMPLATE of {0} could not format this conversation: {1} Fix the TEMPLATE in its Modelfile (Show Modelfile), create the model again, and retry.":
    "{0} 的 TEMPLATE 无法格式化这段对话：{1} 请在其 Modelfile 中修正 TEMPLATE（显示 Modelfile），重新创建模型后再试。",
  // ── Reading files as Ollama reads them (issue 20): encodings, empty values, extra spaces ──
  "{0} is UTF-16 text without a byte order mark. Ollama reads a Modelfile as UTF-8 unless it starts with a byte order mark, so it cannot read this file, and neither does Hearth. Save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8), or as UTF-16 with a byte order mark.":
    "{0} 是没有字节顺序标记（BOM）的 UTF-16 文本。除非文件以字节顺序标记开头，Ollama 会把 Modelfile 当作 UTF-8 读取，因此无法读取此文件，Hearth 也一样。请将其保存为 UTF-8（PowerShell 中：Set-Content -Encoding utf8），或保存为带字节顺序标记的 UTF-16。",
  "Ollama reads this as a MESSAGE with an empty role and refuses it: the role ends at the first space after MESSAGE, so a second space leaves it empty. Remove the extra space.":
    "Ollama 会把这一行读作角色为空的 MESSAGE 并拒绝它：角色在 MESSAGE 之后的第一个空格处结束，所以多出的第二个空格使角色为空。请删除多余的空格。",
  "This Modelfile has no instructions: it is empty, or holds only comments and blank lines. Start it with FROM and the base model, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf.":
    "此 Modelfile 没有任何指令：它是空的，或者只有注释和空行。请以 FROM 加基础模型开头，例如 FROM qwen2.5-coder:1.5b，或指定 GGUF 文件：FROM ./model.gguf。",
  "FROM names no model, so no model can be created from this Modelfile (Ollama reads an empty FROM here). Write the base model after FROM, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf.":
    "FROM 没有指定模型，因此无法用此 Modelfile 创建模型（Ollama 在这里读到的是空的 FROM）。请在 FROM 后写上基础模型，例如 FROM qwen2.5-coder:1.5b，或指定 GGUF 文件：FROM ./model.gguf。",
  "ADAPTER names no file, so the model cannot be created with it (Ollama reads an empty ADAPTER here). Write the path of the LoRA adapter (a GGUF file) after ADAPTER, or remove the line.":
    "ADAPTER 没有指定文件，因此无法带着它创建模型（Ollama 在这里读到的是空的 ADAPTER）。请在 ADAPTER 后写上 LoRA 适配器（GGUF 文件）的路径，或删除这一行。",
  "DRAFT names no model, so the model cannot be created with it (Ollama reads an empty DRAFT here). Write the draft model (an installed model or a GGUF file) after DRAFT, or remove the line.":
    "DRAFT 没有指定模型，因此无法带着它创建模型（Ollama 在这里读到的是空的 DRAFT）。请在 DRAFT 后写上草稿模型（已安装的模型或 GGUF 文件），或删除这一行。",
  "Nothing follows {0} on this line, so Ollama reads an empty value. Write the value on the same line after {0}, or {0} \"\" if it is meant to be empty.":
    "这一行的 {0} 后面什么也没有，因此 Ollama 读到的是空值。请在同一行的 {0} 后面写上值；如果确实要留空，请写 {0} \"\"。",
  "Ollama reads this as a parameter with an empty name and the value \"{0}\", and refuses it: the name ends at the first space after PARAMETER, so a second space leaves it empty. Remove the extra space.":
    "Ollama 会把这一行读作名称为空、值为“{0}”的参数并拒绝它：参数名在 PARAMETER 之后的第一个空格处结束，所以多出的第二个空格使名称为空。请删除多余的空格。",
  "DRAFT names the same file as FROM ({0}). A model cannot draft for itself, and Ollama refuses this Modelfile. Name a smaller model of the same family in DRAFT, or remove DRAFT.":
    "DRAFT 与 FROM 指定的是同一个文件（{0}）。模型不能为自己预生成 token，Ollama 也会拒绝此 Modelfile。请在 DRAFT 中指定同一系列中更小的模型，或删除 DRAFT。",
  "The Modelfile has {0} error(s); the first concerns the whole file: {1} Fix it and create the model again.":
    "该 Modelfile 有 {0} 处错误；第一处涉及整个文件：{1} 请修正后重新创建模型。",
  [`Usage: hearth modelfile parse FILE [options]

Reads the Modelfile FILE as Ollama does and prints its instructions: the line each starts on,
the instruction, the PARAMETER name or MESSAGE role, and the value without its quotes. Nothing
is created and no model is needed. A syntax error (an unknown instruction, a quote that is never
closed, a missing value or FROM) is printed with its line, and the exit code is 1.

Options:
  --json               Print {"instructions":[{"instruction","line","value","name"?,"role"?}]};
                       on an error, {"error":{"message","line"?}} (no line when the error
                       concerns the whole file, such as a missing FROM).
  -h, --help           Show this help.`]: `用法：hearth modelfile parse FILE [选项]

按 Ollama 的方式读取 Modelfile 文件 FILE 并列出其中的指令：每条指令起始的行号、指令名、
PARAMETER 的参数名或 MESSAGE 的角色，以及去掉引号后的值。不会创建任何模型，也不需要模型。
遇到语法错误（未知指令、引号未闭合、缺少值或缺少 FROM）时输出错误及其行号，退出码为 1。

选项：
  --json               输出 {"instructions":[{"instruction","line","value","name"?,"role"?}]}；
                       出错时输出 {"error":{"message","line"?}}（错误涉及整个文件时，
                       例如缺少 FROM，不含 line）。
  -h, --help           显示此帮助。`,
};
