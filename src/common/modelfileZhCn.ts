// Simplified Chinese for the Modelfile parser's and validator's messages (see localize.ts).
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
  "This {{ has no matching }}: the template will not parse.":
    "这个 {{ 没有对应的 }}：模板将无法解析。",
  "This {{ end }} closes nothing: there is no open if, range, with, define or block before it.":
    "这个 {{ end }} 没有可以结束的块：它前面没有未结束的 if、range、with、define 或 block。",
  "Ollama no longer sets .{0}; it is always empty. Use {{ if .System }} or range over .Messages instead.":
    "Ollama 已不再设置 .{0}，它始终为空。请改用 {{ if .System }}，或对 .Messages 使用 range。",
  "Ollama does not define .{0} in templates; it renders as nothing or stops the template. Defined are .System, .Prompt, .Response, .Messages (with .Role and .Content) and .Tools.":
    "Ollama 的模板中没有定义 .{0}；它会渲染为空，或使模板执行中止。已定义的变量有 .System、.Prompt、.Response、.Messages（含 .Role 和 .Content）和 .Tools。",
  "Ollama does not define .{0} in templates. Did you mean .{1}?":
    "Ollama 的模板中没有定义 .{0}。你是不是想写 .{1}？",
  "This template opens more if, range or with blocks than it closes with {{ end }}.":
    "此模板中打开的 if、range 或 with 块多于用 {{ end }} 结束的块。",
  "{0} names {1}, which does not exist. Paths are absolute or relative to the Modelfile's folder.":
    "{0} 指定的 {1} 不存在。路径应为绝对路径，或相对于 Modelfile 所在文件夹的路径。",
  "\"{0}\" is neither a model name nor a path. A name looks like qwen2.5-coder:1.5b (lower-case letters, digits, '.', '-' and '_'); a path starts with ./, / or ~/ or ends in .gguf.":
    "“{0}”既不是模型名称也不是路径。模型名称形如 qwen2.5-coder:1.5b（小写字母、数字、'.'、'-' 和 '_'）；路径以 ./、/ 或 ~/ 开头，或以 .gguf 结尾。",
  "No model named {0} is installed, and Hearth's catalogue does not have it. Pull or import it first (Hearth: Pull Model… in VS Code, hearth pull on the command line), or point FROM at a GGUF file.":
    "没有安装名为 {0} 的模型，Hearth 的模型目录中也没有它。请先拉取或导入该模型（在 VS Code 中使用“Hearth: 拉取模型…”，在命令行中使用 hearth pull），或让 FROM 指向一个 GGUF 文件。",
};
