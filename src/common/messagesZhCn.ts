// Simplified Chinese for the messages of the engine process and the CLI (see localize.ts).
// A unit test checks that every `localize` call in src/ has an entry here. The English text
// is the key; `{0}`, `{1}`… must appear in the translation exactly as in the English.
import { apiMessagesZhCn } from "./api/apiZhCn";
import { modelfileMessagesZhCn } from "./modelfile/modelfileZhCn";
import { retrievalMessagesZhCn } from "./index/indexZhCn";
import { reviewMessagesZhCn } from "./review/reviewZhCn";

export const messagesZhCn: Readonly<Record<string, string>> = {
  ...modelfileMessagesZhCn,
  ...retrievalMessagesZhCn,
  ...apiMessagesZhCn,
  ...reviewMessagesZhCn,
  "The workspace index in {0} was written by an earlier version of Hearth, in a format this version does not read. It has been removed, and this run indexes the workspace again from the start.":
    "{0} 中的工作区索引由较早版本的 Hearth 写入，本版本无法读取其格式。该索引已被删除，本次运行将从头重新为工作区建立索引。",
  "--{0} needs a number, not \"{1}\".":
    "--{0} 需要一个数字，而不是“{1}”。",
  "hearth run needs a model: hearth run MODEL.gguf \"your prompt\"":
    "hearth run 需要指定模型：hearth run MODEL.gguf \"你的提示词\"",
  "--mode must be auto, chat or completion, not \"{0}\".":
    "--mode 必须是 auto、chat 或 completion，而不是“{0}”。",
  "Loaded {0} ({1}, {2}): context {3} tokens, {4} threads.":
    "已加载 {0}（{1}，{2}）：上下文 {3} 个 token，{4} 个线程。",
  "{0} prompt tokens ({1} evaluated, {2} from cache), {3} output tokens, {4} tok/s, first token after {5} ms.":
    "提示词 {0} 个 token（新计算 {1} 个，来自缓存 {2} 个），输出 {3} 个 token，{4} tok/s，首个 token 用时 {5} ms。",
  "Chatting with {0}. Type /bye or press Ctrl+D to leave; Ctrl+C stops an answer.":
    "正在与 {0} 聊天。输入 /bye 或按 Ctrl+D 退出；按 Ctrl+C 可停止当前回答。",
  "(stopped)":
    "（已停止）",
  "Error: {0}":
    "错误：{0}",
  "Unknown command \"{0}\". Run hearth --help for the list.":
    "未知命令“{0}”。运行 hearth --help 查看命令列表。",
  "The Hearth engine has been shut down with the extension.":
    "Hearth 引擎已随扩展一起关闭。",
  "The Hearth engine did not start within {0} seconds. See the Hearth log, then retry.":
    "Hearth 引擎未能在 {0} 秒内启动。请查看 Hearth 日志，然后重试。",
  "The Hearth engine could not be started: {0}.":
    "无法启动 Hearth 引擎：{0}。",
  "The Hearth engine stopped while starting ({0}). See the Hearth log for the cause.":
    "Hearth 引擎在启动过程中停止了（{0}）。请查看 Hearth 日志了解原因。",
  "The Hearth engine was stopped.":
    "Hearth 引擎已停止。",
  "The Hearth engine stopped unexpectedly ({0}) and its loaded models were unloaded. Hearth starts a fresh engine on your next request; the cause is in the Hearth log (Output → Hearth).":
    "Hearth 引擎意外停止（{0}），已加载的模型均已卸载。你下次发出请求时，Hearth 会启动一个新的引擎；原因请查看 Hearth 日志（输出 → Hearth）。",
  "The request was cancelled.":
    "请求已取消。",
  "The Hearth engine is not running. Retry.":
    "Hearth 引擎未在运行。请重试。",
  "The Hearth engine hit an unexpected error: {0}. See the Hearth log for details.":
    "Hearth 引擎遇到意外错误：{0}。详细信息请查看 Hearth 日志。",
  "llama.cpp could not start on this machine: {0}. Reinstall Hearth for your platform (its package carries llama.cpp for one operating system and processor).":
    "llama.cpp 无法在此计算机上启动：{0}。请重新安装适用于你的平台的 Hearth（每个安装包只包含适用于一种操作系统和处理器的 llama.cpp）。",
  "There is not enough memory to load {0} ({1}). Close other programs, or choose a smaller or more quantized model (for example a Q4_K_M file).":
    "内存不足，无法加载 {0}（{1}）。请关闭其他程序，或选择更小或量化程度更高的模型（例如 Q4_K_M 文件）。",
  "The model is no longer loaded (it was unloaded or the engine restarted). Load it again and retry.":
    "该模型已不再处于加载状态（已被卸载，或引擎已重启）。请重新加载后重试。",
  "There is not enough memory for a {0}-token context with {1}. Lower the context size (setting hearth.contextSize) or choose a smaller model.":
    "内存不足，无法为 {1} 创建 {0} token 的上下文。请减小上下文大小（设置 hearth.contextSize），或选择更小的模型。",
  "Hearth could not prepare {0} with the adapter {1}: {2}. Check that the adapter was made for this base model.":
    "Hearth 无法使用适配器 {1} 准备 {0}：{2}。请确认该适配器是为此基础模型制作的。",
  "Hearth could not prepare {0} for generation: {1}. The model may not support text generation (an embedding-only model, for example).":
    "Hearth 无法准备 {0} 进行生成：{1}。该模型可能不支持文本生成（例如仅用于嵌入的模型）。",
  "This chat session no longer exists in the engine (the engine restarted or the model was unloaded). Start a new chat and send your message again.":
    "引擎中已不存在此聊天会话（引擎已重启，或模型已被卸载）。请新建聊天，然后重新发送你的消息。",
  "{0} cannot compute embeddings: {1}. Choose an embedding model.":
    "{0} 无法计算嵌入：{1}。请选择一个嵌入模型。",
  "{0} cannot rank documents: it is not a reranker model (it has no ranking head). Use a reranker GGUF (for example bge-reranker) for ranking.":
    "{0} 无法对文档排序：它不是重排序（reranker）模型（没有排序头）。请使用重排序 GGUF 模型（例如 bge-reranker）进行排序。",
  "{0} cannot rank documents: {1}.":
    "{0} 无法对文档排序：{1}。",
  "The Hearth engine is shutting down. Retry in a moment.":
    "Hearth 引擎正在关闭。请稍后重试。",
  "The prompt does not fit in the model's context window: {0}. Shorten the prompt or raise the context size (setting hearth.contextSize).":
    "提示词超出了模型的上下文窗口：{0}。请缩短提示词，或增大上下文大小（设置 hearth.contextSize）。",
  "Generation failed: {0}. See the Hearth log for details.":
    "生成失败：{0}。详细信息请查看 Hearth 日志。",
  "Fits: needs about {0} of memory for a {1}-token context; this machine has {2} free of {3}.":
    "内存足够：使用 {1} token 的上下文约需 {0} 内存；此计算机共有 {3} 内存，其中 {2} 可用。",
  "Does not fit: needs about {0} of memory for a {1}-token context but this machine has {2} free of {3}. Lower the context size, or choose a file with fewer bits per weight (such as Q4_K_M) or a smaller model.":
    "内存不足：使用 {1} token 的上下文约需 {0} 内存，但此计算机共有 {3} 内存，其中只有 {2} 可用。请减小上下文大小，或选择每个权重位数更低的文件（例如 Q4_K_M）或更小的模型。",
  "There is no model file at {0}. Check the path, or choose another file with \"Hearth: Load Model from File…\".":
    "{0} 处没有模型文件。请检查路径，或使用“Hearth: 从文件加载模型…”选择其他文件。",
  "{0} is a folder, not a model file. Choose a .gguf file inside it.":
    "{0} 是文件夹，而不是模型文件。请选择其中的 .gguf 文件。",
  "{0} is empty (0 bytes), so it holds no model. A download or copy probably failed: download or copy it again.":
    "{0} 是空文件（0 字节），不包含任何模型。可能是下载或复制失败了：请重新下载或复制。",
  "{0} is in an old GGML format that llama.cpp no longer reads. Download the GGUF version of this model, or convert it with llama.cpp's conversion scripts.":
    "{0} 采用旧的 GGML 格式，llama.cpp 已不再支持读取。请下载此模型的 GGUF 版本，或使用 llama.cpp 的转换脚本进行转换。",
  "{0} is not a GGUF model: it does not start with the GGUF signature. Hearth runs llama.cpp models in GGUF format; choose a .gguf file (for example from Hugging Face).":
    "{0} 不是 GGUF 模型：它的开头没有 GGUF 签名。Hearth 运行的是 GGUF 格式的 llama.cpp 模型；请选择一个 .gguf 文件（例如来自 Hugging Face 的文件）。",
  "Hearth could not load {0}: the file looks damaged or incomplete (llama.cpp said: {1}). Download it again, or choose another model.":
    "Hearth 无法加载 {0}：文件似乎已损坏或不完整（llama.cpp 报告：{1}）。请重新下载，或选择其他模型。",
  "Invalid request: \"{0}\" must be {1}.":
    "无效请求：“{0}”必须是 {1}。",
  "a non-empty string": "非空字符串",
  "a number from {0} to {1}": "{0} 到 {1} 之间的数字",
  "an object": "一个对象",
  "a list of non-empty strings": "非空字符串列表",
  "a list of strings": "字符串列表",
  "\"auto\" or a number of layers": "\"auto\" 或层数",
  "a list of { path, scale }": "{ path, scale } 列表",
  "a string": "字符串",
  "\"auto\", \"chat\" or \"completion\"": "\"auto\"、\"chat\" 或 \"completion\"",
  "a list of { role, text } turns": "{ role, text } 轮次列表",
  // Grammar-constrained output, token counting and the chat context window
  "a non-empty GBNF grammar of at most {0} characters": "非空的 GBNF 语法，且不超过 {0} 个字符",
  "a JSON schema object of at most {0} characters": "不超过 {0} 个字符的 JSON schema 对象",
  "Invalid request: \"{0}\" gives both a grammar and a JSON schema. Give only one of them.":
    "无效请求：“{0}”同时给出了语法和 JSON schema。请只给出其中一个。",
  "The JSON schema cannot be turned into a grammar: at {0}, {1}. Hearth follows \"type\" (string, number, integer, boolean, null, object, array), \"enum\", \"const\", \"oneOf\" and \"$ref\" into \"$defs\". Fix the schema and send the request again.":
    "无法将该 JSON schema 转换为语法：在 {0} 处，{1}。Hearth 支持 \"type\"（string、number、integer、boolean、null、object、array）、\"enum\"、\"const\"、\"oneOf\"，以及指向 \"$defs\" 的 \"$ref\"。请修正 schema 后重新发送请求。",
  "it nests more than {0} levels deep": "嵌套超过了 {0} 层",
  "it is not an object": "它不是对象",
  "\"{0}\" is not supported (use \"oneOf\")": "不支持 \"{0}\"（请改用 \"oneOf\"）",
  "\"{0}\" must be an object": "\"{0}\" 必须是对象",
  "\"{0}\" must be a non-empty list": "\"{0}\" 必须是非空列表",
  "\"$ref\" must point into \"$defs\" (\"#/$defs/NAME\") at a definition that exists":
    "\"$ref\" 必须指向 \"$defs\" 中已存在的定义（\"#/$defs/NAME\"）",
  "\"const\" and \"enum\" values must be strings, numbers, booleans or null":
    "\"const\" 和 \"enum\" 的值必须是字符串、数字、布尔值或 null",
  "it says neither \"type\", \"enum\", \"const\", \"oneOf\" nor \"$ref\"":
    "它没有给出 \"type\"、\"enum\"、\"const\"、\"oneOf\" 或 \"$ref\" 中的任何一个",
  "a list of types may hold only string, number, integer, boolean and null (use \"oneOf\" for objects and arrays)":
    "类型列表只能包含 string、number、integer、boolean 和 null（对象和数组请使用 \"oneOf\"）",
  "the type {0} is not one of string, number, integer, boolean, null, object, array":
    "类型 {0} 不是 string、number、integer、boolean、null、object、array 之一",
  "a list of at most {0} strings": "不超过 {0} 个字符串的列表",
  "Invalid request: the texts to count hold {0} characters in all; at most {1} are counted at once. Count them in smaller batches.":
    "无效请求：要计数的文本共有 {0} 个字符；一次最多计数 {1} 个字符。请分成更小的批次计数。",
  "The grammar has no \"root\" rule, so llama.cpp does not know where the output starts. Add a rule written root ::= … and send the request again.":
    "该语法没有 \"root\" 规则，因此 llama.cpp 不知道输出从哪里开始。请添加一条形如 root ::= … 的规则，然后重新发送请求。",
  "llama.cpp could not parse the grammar ({0}). Check its GBNF syntax: each rule is written name ::= …, strings are quoted and closed, and every rule it uses is defined. Fix the grammar and send the request again.":
    "llama.cpp 无法解析该语法（{0}）。请检查其 GBNF 语法：每条规则写作 name ::= …，字符串须加引号并闭合，且用到的每条规则都已定义。请修正语法后重新发送请求。",
  "The JSON schema could not be turned into a grammar: {0}. Fix the schema and send the request again.":
    "无法将该 JSON schema 转换为语法：{0}。请修正 schema 后重新发送请求。",
  "Your message does not fit in the model's context window: it is {0} tokens long and, with the system prompt and room for an answer, needs {1} tokens, but the context holds {2}. Shorten the message or send it in parts, or raise the context size (setting hearth.contextSize) and load the model again.":
    "你的消息超出了模型的上下文窗口：它有 {0} 个 token，加上系统提示词和回答所需的空间共需要 {1} 个 token，但上下文只能容纳 {2} 个。请缩短消息或分几次发送，或者增大上下文大小（设置 hearth.contextSize）后重新加载模型。",
  // Model store, catalogue and downloads (issue 3)
  "{0} does not exist at {1} (HTTP 404). Check the spelling of the name, repository and file name, or choose a model from Hearth's catalogue.":
    "在 {1} 找不到 {0}（HTTP 404）。请检查名称、仓库和文件名的拼写，或从 Hearth 的模型目录中选择一个模型。",
  "The server refused to send {0} (HTTP {1}): the repository is gated or private. Open the model's page on Hugging Face, accept its licence, and give Hearth an access token (a Hearth setting for tokens is coming); or choose another model.":
    "服务器拒绝发送 {0}（HTTP {1}）：该仓库需要授权访问或为私有仓库。请在 Hugging Face 上打开该模型的页面并接受其许可协议，然后为 Hearth 提供访问令牌（Hearth 即将提供令牌设置项）；或者选择其他模型。",
  "The server answered HTTP {0} when Hearth asked for {1}. Try again later, or set hearth.downloadEndpoint to a mirror.":
    "Hearth 请求 {1} 时，服务器返回了 HTTP {0}。请稍后重试，或将 hearth.downloadEndpoint 设置为镜像站点。",
  "Hearth could not reach {0}: this computer seems to be offline, or the server is blocked from here. Check the connection, or set hearth.downloadEndpoint to a mirror you can reach (for example a Hugging Face mirror).":
    "Hearth 无法连接到 {0}：这台计算机似乎处于离线状态，或者从这里无法访问该服务器。请检查网络连接，或将 hearth.downloadEndpoint 设置为可以访问的镜像站点（例如 Hugging Face 镜像）。",
  "The connection broke while downloading {0}, after {1} of {2}. What arrived is kept: pull it again to continue from there.":
    "下载 {0} 时连接中断（已下载 {1}，共 {2}）。已下载的部分会保留：再次拉取即可从中断处继续。",
  "There is not enough disk space for {0}: it needs {1} more, and {2} is free in {3}. Free some space, or set hearth.modelsPath to a folder on a larger disk.":
    "磁盘空间不足，无法下载 {0}：还需要 {1}，而 {3} 中只有 {2} 可用。请释放一些空间，或将 hearth.modelsPath 设置为更大磁盘上的文件夹。",
  "The disk filled up while downloading {0} into {1}. Free some space and pull again (the download continues where it stopped), or set hearth.modelsPath to a folder on a larger disk.":
    "将 {0} 下载到 {1} 时磁盘已满。请释放一些空间后再次拉取（下载会从中断处继续），或将 hearth.modelsPath 设置为更大磁盘上的文件夹。",
  "The file downloaded for {0} is not the published one: its sha256 is {1}, but {2} was expected. Hearth deleted it. The transfer was damaged or the server sent another file: pull it again, or try another download endpoint.":
    "为 {0} 下载的文件与发布的文件不一致：其 sha256 为 {1}，但应为 {2}。Hearth 已将其删除。可能是传输中文件损坏，或服务器发送了其他文件：请再次拉取，或换一个下载端点。",
  "The file downloaded for {0} has {1} bytes, but {2} were announced. Hearth deleted it: pull it again.":
    "为 {0} 下载的文件有 {1} 字节，但服务器声明为 {2} 字节。Hearth 已将其删除：请再次拉取。",
  "The server did not send a GGUF model for {0} (perhaps a web page or an error message instead). Check the address, or the mirror set in hearth.downloadEndpoint.":
    "服务器没有为 {0} 发送 GGUF 模型（发送的可能是网页或错误信息）。请检查地址，或 hearth.downloadEndpoint 中设置的镜像站点。",
  "The model store is busy: another Hearth process ({0}) holds {1}. Wait for it to finish; if no other Hearth is running, delete that file.":
    "模型库正忙：另一个 Hearth 进程（{0}）持有 {1}。请等待其完成；如果没有其他 Hearth 正在运行，请删除该文件。",
  "The download of {0} was cancelled. What arrived is kept: pull it again to continue where it stopped.":
    "已取消 {0} 的下载。已下载的部分会保留：再次拉取即可从中断处继续。",
  "There is no model called {0} in Hearth's catalogue. Choose a catalogue model (for example {1}), or pull a file directly: hf:owner/repository/file.gguf or an https:// address of a .gguf file.":
    "Hearth 的模型目录中没有名为 {0} 的模型。请选择目录中的模型（例如 {1}），或直接拉取文件：hf:owner/repository/file.gguf，或 .gguf 文件的 https:// 地址。",
  "{0} is a file on this computer, not a download: import it into the model store instead of pulling it.":
    "{0} 是这台计算机上的文件，不是下载地址：请将其导入模型库，而不是拉取。",
  "The manifest is damaged ({0}).":
    "清单文件已损坏（{0}）。",
  "The manifest has schema version {0}, which this version of Hearth does not read. Update Hearth.":
    "该清单的架构版本为 {0}，当前版本的 Hearth 无法读取。请更新 Hearth。",
  "\"{0}\" is not a valid model name. Use family:tag with lower-case letters, digits, '.', '-' and '_' (for example qwen2.5-coder:1.5b); the tag may be left out.":
    "“{0}”不是有效的模型名称。请使用 family:tag 格式，只包含小写字母、数字、“.”、“-”和“_”（例如 qwen2.5-coder:1.5b）；标签可以省略。",
  "Enter a model name, for example qwen2.5-coder:1.5b.":
    "请输入模型名称，例如 qwen2.5-coder:1.5b。",
  "\"{0}\" is not a valid Hugging Face reference. Write hf:owner/repository/file.gguf, optionally followed by @revision (a branch, tag or commit).":
    "“{0}”不是有效的 Hugging Face 引用。请写成 hf:owner/repository/file.gguf，后面可以加 @revision（分支、标签或提交）。",
  "\"{0}\" is not a valid ModelScope reference. Write ms:owner/repository/file.gguf, optionally followed by @revision.":
    "“{0}”不是有效的 ModelScope 引用。请写成 ms:owner/repository/file.gguf，后面可以加 @revision。",
  "\"{0}\" is not an address Hearth can download a model from: give an http(s) URL of a .gguf file.":
    "“{0}”不是 Hearth 可以下载模型的地址：请提供 .gguf 文件的 http(s) URL。",
  "The downloaded file of {0} disappeared before it could be recorded (another program removed it). Pull it again.":
    "{0} 的下载文件在登记之前就不见了（被其他程序删除）。请再次拉取。",
  "{0} is not installed. Download it with \"hearth pull {0}\" or from the Models view; \"hearth list\" shows what is installed.":
    "{0} 尚未安装。请用“hearth pull {0}”或在“模型”视图中下载；“hearth list”会列出已安装的模型。",
  "{0} cannot be used: {1}":
    "无法使用 {0}：{1}",
  "{0} Pull or import the model again, or run repair to remove the entry.":
    "{0} 请重新拉取或导入该模型，或运行修复以删除此条目。",
  "Its model file ({0}) is missing. Pull or import the model again, or run repair to remove the entry.":
    "它的模型文件（{0}）不见了。请重新拉取或导入该模型，或运行修复以删除此条目。",
  "Its model file has {0} bytes, but the manifest says {1}: the file is damaged. Pull or import the model again, or run repair to remove it.":
    "它的模型文件有 {0} 字节，但清单记录为 {1} 字节：文件已损坏。请重新拉取或导入该模型，或运行修复将其删除。",
  "No model called {0} is installed; \"hearth list\" shows what is.":
    "没有安装名为 {0} 的模型；“hearth list”会列出已安装的模型。",
  "The model file could not be deleted ({0}); it may still be loaded. Unload it and run repair to free the space.":
    "无法删除模型文件（{0}），它可能仍处于加载状态。请先卸载，再运行修复以释放空间。",
  "Its model file no longer matches its sha256 ({0}).":
    "它的模型文件与其 sha256（{0}）不再一致。",
  "\"copy\" or \"link\"": "\"copy\" 或 \"link\"",
  "{0} is not installed. Pull it first: hearth pull {0}": "{0} 尚未安装。请先拉取：hearth pull {0}",
  // ── hearth CLI: model store commands ──
  [`Usage: hearth <command> [options]

Commands:
  run MODEL [PROMPT]     Run a prompt on MODEL (an installed model or a .gguf file) and
                         stream the answer; without PROMPT, an interactive chat.
  review [PATH...]       Review staged changes (--staged), a branch (--base REF), a diff
                         or files with a local model; text, JSON or SARIF for CI.
  pull NAME|URI          Download a model: a catalogue name, hf:owner/repo/file.gguf,
                         ms:owner/repo/file.gguf or an https:// URL.
  list, ls               List the installed models.
  show MODEL             Show a model's details: metadata, licence, chat template, memory fit.
  ps                     Show the models loaded on this machine and which process holds them.
  rm, remove NAME...     Remove installed models.
  cp SOURCE TARGET       Give an installed model a second name.
  import FILE [NAME]     Add a .gguf file from this computer to the store.
  create NAME [-f FILE]  Create a model from a Modelfile.
  modelfile parse FILE   Print a Modelfile's instructions as Ollama reads them (--json).
  index [PATH]           Index a folder's code and documents for hearth search.
  search "QUERY"         Search an indexed folder: the best matching code and text, with lines.
  catalogue              List the recommended models and the best fit for this machine.
  repair                 Remove damaged entries and leftover files from the store.
  serve                  Serve the models over HTTP with Ollama's and OpenAI's APIs.
  help [COMMAND]         Show the help of a command.

Run "hearth help COMMAND" or "hearth COMMAND --help" for its options.

Environment:
  HEARTH_HOME                 The model store (default ~/.hearth).
  HEARTH_MODELS_PATH          The model store, overriding HEARTH_HOME.
  HEARTH_DOWNLOAD_ENDPOINT    A Hugging Face mirror to pull from.
  HEARTH_MODELSCOPE_ENDPOINT  ModelScope's address for ms: references.
  HEARTH_HOST                 Where hearth serve listens (default 127.0.0.1:11435).
  HEARTH_ORIGINS              Web page origins allowed to call hearth serve.

Options:
  -h, --help             Show this help.
  -v, --version          Show the version.

Exit codes: 0 done, 1 failed, 2 usage mistake, 130 cancelled (Ctrl+C).`]: `用法：hearth <命令> [选项]

命令：
  run MODEL [PROMPT]     用 MODEL（已安装的模型或 .gguf 文件）运行提示词并以流式输出回答；
                         不带 PROMPT 时进入交互式聊天。
  review [PATH...]       用本地模型审查暂存的更改（--staged）、分支（--base REF）、
                         差异或文件；为 CI 输出文本、JSON 或 SARIF。
  pull NAME|URI          下载模型：目录中的名称、hf:owner/repo/file.gguf、
                         ms:owner/repo/file.gguf 或 https:// 地址。
  list, ls               列出已安装的模型。
  show MODEL             显示模型详情：元数据、许可证、聊天模板、内存是否够用。
  ps                     显示本机已加载的模型，以及由哪个进程加载。
  rm, remove NAME...     删除已安装的模型。
  cp SOURCE TARGET       为已安装的模型再起一个名称。
  import FILE [NAME]     把本机上的 .gguf 文件添加到模型库。
  create NAME [-f FILE]  从 Modelfile 创建模型。
  modelfile parse FILE   按 Ollama 的读法列出 Modelfile 中的指令（--json 输出 JSON）。
  index [PATH]           为文件夹中的代码和文档建立索引，供 hearth search 使用。
  search "QUERY"         搜索已建索引的文件夹：列出最匹配的代码和文本及其行号。
  catalogue              列出推荐模型，以及最适合本机的模型。
  repair                 从模型库中清除损坏的条目和残留文件。
  serve                  通过 HTTP 以 Ollama 和 OpenAI 的 API 提供模型。
  help [COMMAND]         显示某个命令的帮助。

运行“hearth help COMMAND”或“hearth COMMAND --help”查看该命令的选项。

环境变量：
  HEARTH_HOME                 模型库位置（默认 ~/.hearth）。
  HEARTH_MODELS_PATH          模型库位置，优先于 HEARTH_HOME。
  HEARTH_DOWNLOAD_ENDPOINT    拉取时使用的 Hugging Face 镜像。
  HEARTH_MODELSCOPE_ENDPOINT  ms: 引用使用的 ModelScope 地址。
  HEARTH_HOST                 hearth serve 的监听地址（默认 127.0.0.1:11435）。
  HEARTH_ORIGINS              允许调用 hearth serve 的网页来源。

选项：
  -h, --help             显示此帮助。
  -v, --version          显示版本。

退出码：0 完成，1 失败，2 用法错误，130 已取消（Ctrl+C）。`,
  "hearth {0} needs more arguments: {1}": "hearth {0} 缺少参数：{1}",
  "hearth {0} takes {1} argument(s); unexpected: {2}": "hearth {0} 只接受 {1} 个参数；多余的参数：{2}",
  "just now": "刚刚",
  "a minute ago": "1 分钟前",
  "{0} minutes ago": "{0} 分钟前",
  "an hour ago": "1 小时前",
  "{0} hours ago": "{0} 小时前",
  yesterday: "昨天",
  "{0} days ago": "{0} 天前",
  "{0} weeks ago": "{0} 周前",
  "{0} months ago": "{0} 个月前",
  "{0} years ago": "{0} 年前",
  [`Usage: hearth catalogue [WORD] [options]

Lists the models Hearth recommends, with what each is for, its download size, the memory it
wants and its licence; ★ marks the best fit for this machine's memory for each purpose, ✓ the
installed ones. WORD keeps the models whose name, purpose or description contains it.
Pull one with hearth pull NAME.

Options:
  --json               Print the catalogue and the recommendations as JSON.
  -h, --help           Show this help.`]: `用法：hearth catalogue [WORD] [选项]

列出 Hearth 推荐的模型：用途、下载大小、所需内存和许可证；★ 标出每种用途中最适合本机内存的
模型，✓ 标出已安装的模型。给出 WORD 时，只列出名称、用途或说明中包含它的模型。
用 hearth pull NAME 拉取其中一个。

选项：
  --json               以 JSON 输出目录和推荐。
  -h, --help           显示此帮助。`,
  code: "代码",
  chat: "聊天",
  embedding: "嵌入",
  reranker: "重排序",
  "No catalogue model matches \"{0}\".": "目录中没有与“{0}”匹配的模型。",
  NAME: "名称",
  PURPOSE: "用途",
  SIZE: "大小",
  MEMORY: "内存",
  LICENSE: "许可证",
  DESCRIPTION: "说明",
  "Best fit for this machine ({0} of memory): {1}.": "最适合本机（内存 {0}）的模型：{1}。",
  "This machine ({0} of memory) has too little memory for the catalogue's models.": "本机（内存 {0}）的内存不足以运行目录中的模型。",
  "Pull one with: hearth pull NAME": "拉取模型：hearth pull NAME",
  [`Usage: hearth cp SOURCE TARGET [options]

Gives the installed model SOURCE a second name, TARGET (family:tag). Both names use the same
file; removing one leaves the other.

Options:
  -h, --help           Show this help.`]: `用法：hearth cp SOURCE TARGET [选项]

为已安装的模型 SOURCE 再起一个名称 TARGET（family:tag）。两个名称共用同一个文件；
删除其中一个不影响另一个。

选项：
  -h, --help           显示此帮助。`,
  "Copied {0} to {1}.": "已将 {0} 复制为 {1}。",
  [`Usage: hearth import FILE.gguf [NAME] [options]

Adds a .gguf file from this computer to the store, under NAME (family:tag; default: a name
made from the file name). The file is checked, hashed and copied.

Options:
  --link               Link the file instead of copying it (a hard link, else a symbolic
                       link): no second copy on disk, but moving or deleting the original
                       breaks the model.
  -h, --help           Show this help.`]: `用法：hearth import FILE.gguf [NAME] [选项]

把本机上的 .gguf 文件以 NAME（family:tag；默认由文件名生成）添加到模型库。
文件会经过检查、计算哈希并复制。

选项：
  --link               链接文件而不复制（优先硬链接，否则符号链接）：磁盘上不再多一份，
                       但移动或删除原文件会使模型无法使用。
  -h, --help           显示此帮助。`,
  "hearth import needs a file and at most one name: hearth import FILE.gguf [NAME]":
    "hearth import 需要一个文件和最多一个名称：hearth import FILE.gguf [NAME]",
  "The import was cancelled; nothing was added.": "导入已取消，没有添加任何内容。",
  "Imported {0} as {1} ({2}).": "已将 {0} 导入为 {1}（{2}）。",
  [`Usage: hearth list [options]
       hearth ls [options]

Lists the installed models: name, file size, quantization, parameters, context length and
when each was added. Damaged entries are listed with what is wrong (hearth repair removes
them), and unfinished downloads that hearth pull would resume.

Options:
  --json               Print the store's contents as JSON.
  -h, --help           Show this help.`]: `用法：hearth list [选项]
      hearth ls [选项]

列出已安装的模型：名称、文件大小、量化方式、参数量、上下文长度和添加时间。损坏的条目会
注明问题所在（hearth repair 可将其清除），并列出 hearth pull 可以续传的未完成下载。

选项：
  --json               以 JSON 输出模型库内容。
  -h, --help           显示此帮助。`,
  "damaged manifest": "清单已损坏",
  "file missing or damaged": "文件缺失或已损坏",
  "No models are installed in {0}. Get one with: hearth pull {1} (hearth catalogue lists more).":
    "{0} 中没有安装任何模型。可以这样获取：hearth pull {1}（hearth catalogue 会列出更多模型）。",
  QUANT: "量化",
  PARAMS: "参数量",
  CONTEXT: "上下文",
  MODIFIED: "修改时间",
  "Damaged entries (hearth repair removes them; pulling or importing again replaces them):":
    "损坏的条目（hearth repair 会清除它们；重新拉取或导入会替换它们）：",
  "Unfinished downloads (hearth pull resumes them):": "未完成的下载（hearth pull 会续传）：",
  "downloading now": "正在下载",
  [`Usage: hearth ps [options]

Shows the models loaded on this machine by any Hearth process (VS Code's engine, a hearth
run), with the memory each takes, whether it runs on the CPU or the GPU, which process
loaded it, and since when.

Options:
  --json               Print the running engines and their models as JSON.
  -h, --help           Show this help.`]: `用法：hearth ps [选项]

显示本机上任何 Hearth 进程（VS Code 的引擎、hearth run）已加载的模型：各自占用的内存、
运行在 CPU 还是 GPU 上、由哪个进程加载、从何时开始。

选项：
  --json               以 JSON 输出正在运行的引擎及其模型。
  -h, --help           显示此帮助。`,
  extension: "扩展",
  cli: "命令行",
  server: "服务器",
  "{0}, pid {1}": "{0}，pid {1}",
  "No model is loaded on this machine.": "本机没有加载任何模型。",
  PROCESSOR: "处理器",
  "LOADED BY": "加载者",
  SINCE: "加载时间",
  [`Usage: hearth pull NAME|URI [options]

Downloads a model into the store. NAME is a catalogue model (hearth catalogue lists them,
e.g. qwen2.5-coder:1.5b); URI is hf:owner/repository/file.gguf, ms:owner/repository/file.gguf
or an https:// address of a .gguf file. The size and sha256 are checked; an interrupted
download resumes where it stopped. Ctrl+C cancels (what arrived is kept for the next pull).

Options:
  --name NAME          Install it under this name (default: the catalogue name, or one made
                       from the file name).
  --json               Print one JSON line per progress event, then the result.
  -h, --help           Show this help.

Environment:
  HEARTH_DOWNLOAD_ENDPOINT    A Hugging Face mirror (default https://huggingface.co).
  HEARTH_MODELSCOPE_ENDPOINT  ModelScope's address for ms: references.`]: `用法：hearth pull NAME|URI [选项]

把模型下载到模型库。NAME 是目录中的模型（hearth catalogue 会列出，例如 qwen2.5-coder:1.5b）；
URI 是 hf:owner/repository/file.gguf、ms:owner/repository/file.gguf 或 .gguf 文件的 https:// 地址。
下载后会校验大小和 sha256；中断的下载会从停下的位置续传。Ctrl+C 取消（已下载的部分会保留，
供下次拉取继续）。

选项：
  --name NAME          以此名称安装（默认：目录中的名称，或由文件名生成的名称）。
  --json               每个进度事件输出一行 JSON，最后输出结果。
  -h, --help           显示此帮助。

环境变量：
  HEARTH_DOWNLOAD_ENDPOINT    Hugging Face 镜像（默认 https://huggingface.co）。
  HEARTH_MODELSCOPE_ENDPOINT  ms: 引用使用的 ModelScope 地址。`,
  "{0} is already installed ({1}).": "{0} 已经安装（{1}）。",
  "Pulled {0} ({1}), continuing an earlier download from {2}.": "已拉取 {0}（{1}），从之前下载到的 {2} 处续传。",
  "Pulled {0} ({1}).": "已拉取 {0}（{1}）。",
  [`Usage: hearth rm NAME... [options]
       hearth remove NAME...

Removes installed models. The model file is deleted once no other name uses it
(hearth cp gives a file a second name).

Options:
  -h, --help           Show this help.`]: `用法：hearth rm NAME... [选项]
      hearth remove NAME...

删除已安装的模型。当没有其他名称使用该模型文件时，文件也会被删除
（hearth cp 可为文件再起一个名称）。

选项：
  -h, --help           显示此帮助。`,
  "Removed {0} (freed {1}).": "已删除 {0}（释放 {1}）。",
  "Removed {0}. {1}": "已删除 {0}。{1}",
  "Removed {0} (its file is still used by another name).": "已删除 {0}（其文件仍被另一个名称使用）。",
  [`Usage: hearth repair [options]

Puts the model store in order: removes entries whose manifest is damaged or whose file is
missing or damaged, model files that no entry uses, old temporary files, and downloads
abandoned for a week. Installed models in good order are not touched.

Options:
  --json               Print what was removed as JSON.
  -h, --help           Show this help.`]: `用法：hearth repair [选项]

整理模型库：清除清单损坏或文件缺失、损坏的条目，没有任何条目使用的模型文件，旧的临时文件，
以及放弃超过一周的下载。状态良好的已安装模型不受影响。

选项：
  --json               以 JSON 输出清除的内容。
  -h, --help           显示此帮助。`,
  "The store in {0} is in order; nothing to repair.": "{0} 中的模型库状态良好，无需修复。",
  "Removed the entry {0}: {1}": "已清除条目 {0}：{1}",
  "Deleted a model file no entry uses: {0}": "已删除没有条目使用的模型文件：{0}",
  "Deleted {0} leftover temporary or abandoned download file(s).": "已删除 {0} 个残留的临时文件或放弃的下载文件。",
  "Freed {0}.": "释放了 {0}。",
  [`Usage: hearth run MODEL [PROMPT] [options]

Runs PROMPT on MODEL and streams the answer. MODEL is the name of an installed model
(see hearth list) or the path of a .gguf file. Without PROMPT: an interactive chat, or the
prompt read from a pipe. A catalogue model that is not installed yet is offered for download
in a terminal; elsewhere, pull it first with hearth pull.

Options:
  --system TEXT        System prompt (chat models).
  --mode MODE          auto (default), chat or completion.
  --max-tokens N       The most tokens to generate (default 512).
  --temperature T      Sampling temperature (default 0.8; 0 = always the likeliest token).
  --seed N             Random seed, for repeatable answers.
  --threads N          CPU threads (default: physical cores).
  --ctx N              Context size in tokens (default: min(4096, the model's)).
  --verbose            Print load and speed figures to stderr.
  --json               Print one JSON object with the answer and its figures.
  --interactive        Chat line by line even when input comes from a pipe.
  -h, --help           Show this help.`]: `用法：hearth run MODEL [PROMPT] [选项]

用 MODEL 运行 PROMPT 并以流式输出回答。MODEL 是已安装模型的名称（见 hearth list）
或 .gguf 文件的路径。不带 PROMPT 时：进入交互式聊天，或从管道读取提示词。目录中尚未安装
的模型，在终端中会询问是否下载；在其他场合，请先用 hearth pull 拉取。

选项：
  --system TEXT        系统提示词（聊天模型）。
  --mode MODE          auto（默认）、chat 或 completion。
  --max-tokens N       最多生成的 token 数（默认 512）。
  --temperature T      采样温度（默认 0.8；0 = 总是选择可能性最大的 token）。
  --seed N             随机种子，用于得到可重复的回答。
  --threads N          CPU 线程数（默认：物理核心数）。
  --ctx N              上下文大小（token 数，默认：min(4096, 模型的上下文长度)）。
  --verbose            把加载和速度数据输出到 stderr。
  --json               输出一个包含回答及其数据的 JSON 对象。
  --interactive        即使输入来自管道，也逐行聊天。
  -h, --help           显示此帮助。`,
  "{0} is not installed. Pull it now? [Y/n] ": "{0} 尚未安装。现在拉取吗？[Y/n] ",
  "{0} is not installed. Pull it now (about {1})? [Y/n] ": "{0} 尚未安装。现在拉取吗（约 {1}）？[Y/n] ",
  [`Usage: hearth show MODEL [options]

Shows what MODEL is: architecture, parameters, quantization, context and embedding length,
licence, whether it has a chat template, and whether it fits this machine's memory. MODEL is
an installed model's name or the path of a .gguf file. Nothing is loaded: only the file's
header is read.

Options:
  --ctx N              The context size to estimate memory for (default: min(4096, the
                       model's)).
  --template           Print only the chat template.
  --license            Print only the licence.
  --modelfile          Print the Modelfile that recreates the model.
  --json               Print everything as JSON, with the file's metadata.
  -h, --help           Show this help.`]: `用法：hearth show MODEL [选项]

显示 MODEL 的信息：架构、参数量、量化方式、上下文长度和嵌入长度、许可证、是否带聊天模板，
以及本机内存是否够用。MODEL 是已安装模型的名称或 .gguf 文件的路径。不会加载模型：只读取
文件头。

选项：
  --ctx N              估算内存所用的上下文大小（默认：min(4096, 模型的上下文长度)）。
  --template           只输出聊天模板。
  --license            只输出许可证。
  --modelfile          输出可重建该模型的 Modelfile。
  --json               以 JSON 输出全部信息，包括文件的元数据。
  -h, --help           显示此帮助。`,
  yes: "是",
  no: "否",
  "{0} has no chat template.": "{0} 没有聊天模板。",
  "{0} does not state a licence; check where it came from.": "{0} 没有注明许可证；请查看它的来源。",
  name: "名称",
  architecture: "架构",
  parameters: "参数量",
  quantization: "量化方式",
  "context length": "上下文长度",
  "embedding length": "嵌入长度",
  layers: "层数",
  "chat template": "聊天模板",
  "yes (hearth show {0} --template prints it)": "有（hearth show {0} --template 可输出它）",
  licence: "许可证",
  "not stated": "未注明",
  file: "文件",
  source: "来源",
  sha256: "sha256",
  purpose: "用途",
  Model: "模型",
  "Memory for a {0}-token context": "{0} token 上下文所需的内存",
  "resolving {0}": "正在解析 {0}",
  "pulling {0}": "正在拉取 {0}",
  "verifying {0}": "正在校验 {0}",
  "writing manifest of {0}": "正在写入 {0} 的清单",
  "pulled {0}": "已拉取 {0}",
  "ETA {0}": "剩余 {0}",
  "The model catalogue {0} is not valid: {1}. Fix the file, or clear the setting hearth.catalogueFile.":
    "模型目录 {0} 无效：{1}。请修正该文件，或清空设置 hearth.catalogueFile。",
  "Hearth could not read the model catalogue {0}: {1}. Check the setting hearth.catalogueFile.":
    "Hearth 无法读取模型目录 {0}：{1}。请检查设置 hearth.catalogueFile。",
  "The Modelfile has {0} error(s); the first is on line {1}: {2} Fix it and create the model again.":
    "该 Modelfile 有 {0} 处错误；第一处在第 {1} 行：{2} 请修正后重新创建模型。",
  [`Usage: hearth create NAME [options]

Creates the model NAME (family:tag) from a Modelfile: its base model (FROM: an installed
model, a catalogue name — pulled if needed — or a .gguf file), PARAMETERs, SYSTEM, MESSAGEs,
TEMPLATE, ADAPTER, DRAFT, LICENSE, REQUIRES, RENDERER and PARSER. Warnings about the Modelfile
go to stderr. Run it with "hearth run NAME".

Options:
  -f, --file FILE      The Modelfile (default: ./Modelfile).
  -h, --help           Show this help.`]: `用法：hearth create NAME [选项]

根据 Modelfile 创建模型 NAME（family:tag）：包括其基础模型（FROM：已安装的模型、模型目录中的
名称（需要时会自动拉取）或 .gguf 文件）、PARAMETER、SYSTEM、MESSAGE、TEMPLATE、ADAPTER、DRAFT、
LICENSE、REQUIRES、RENDERER 和 PARSER。关于 Modelfile 的警告输出到 stderr。
之后用 "hearth run NAME" 运行它。

选项：
  -f, --file FILE      Modelfile 的路径（默认：./Modelfile）。
  -h, --help           显示此帮助。`,
  "There is no Modelfile at {0}. Give its path with -f.": "{0} 处没有 Modelfile。请用 -f 指定它的路径。",
  "Modelfile of {0}.": "{0} 的 Modelfile。",
  "Edit it, then use \"Create Model\" above it to make a new model from it.": "编辑后，使用上方的“创建模型”即可据此创建新模型。",
  "FROM was {0} when it was created; this is the same file in the model store.": "创建时 FROM 为 {0}；这里是模型存储中的同一个文件。",
  "{0} comes with this licence (shown the first time it runs):": "{0} 附带以下许可证（首次运行时显示）：",
  "Created {0} from {1}. Try it: hearth run {0}": "已根据 {1} 创建 {0}。试试：hearth run {0}",
  // ── hearth modelfile parse ──
  "hearth modelfile has no subcommand \"{0}\"; its subcommand is parse.":
    "hearth modelfile 没有子命令“{0}”；它的子命令是 parse。",
  "There is no Modelfile at {0}. Check the path.": "{0} 处没有 Modelfile。请检查路径。",
  "{0} could not be read: {1}": "无法读取 {0}：{1}",
  "{0} is a folder, not a Modelfile. Give the Modelfile's own path, for example {1}.":
    "{0} 是文件夹，不是 Modelfile。请给出 Modelfile 本身的路径，例如 {1}。",
  "{0} is a binary file, not a Modelfile (a Modelfile is text). To use a .gguf model, write FROM followed by its path in a Modelfile.":
    "{0} 是二进制文件，不是 Modelfile（Modelfile 是文本文件）。要使用 .gguf 模型，请在 Modelfile 中写 FROM 加上它的路径。",
  "(+{0} more lines)": "（另有 {0} 行）",
  "{0}, line {1}: {2}": "{0}，第 {1} 行：{2}",
  "LINE": "行",
  "INSTRUCTION": "指令",
  "NAME/ROLE": "名称/角色",
  "VALUE": "值",
};
