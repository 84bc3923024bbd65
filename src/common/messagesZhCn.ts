// Simplified Chinese for the messages of the engine process and the CLI (see localize.ts).
// A unit test checks that every `localize` call in src/ has an entry here. The English text
// is the key; `{0}`, `{1}`… must appear in the translation exactly as in the English.
export const messagesZhCn: Readonly<Record<string, string>> = {
  [`Usage: hearth <command> [options]

Commands:
  run MODEL [PROMPT]   Run a prompt on MODEL (a .gguf file) and stream the answer.
                       Without PROMPT: an interactive chat (or the prompt read from a pipe).

Options for run:
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

  -h, --help           Show this help.
  -v, --version        Show the version.`]:
    `用法：hearth <命令> [选项]

命令：
  run MODEL [PROMPT]   用 MODEL（一个 .gguf 文件）运行提示词，并以流式输出回答。
                       不带 PROMPT 时：进入交互式聊天（或从管道读取提示词）。

run 的选项：
  --system TEXT        系统提示词（用于聊天模型）。
  --mode MODE          auto（默认）、chat 或 completion。
  --max-tokens N       最多生成的 token 数（默认 512）。
  --temperature T      采样温度（默认 0.8；0 = 总是选择可能性最大的 token）。
  --seed N             随机种子，用于得到可重复的回答。
  --threads N          CPU 线程数（默认：物理核心数）。
  --ctx N              上下文大小，以 token 计（默认：min(4096, 模型的训练上下文长度)）。
  --verbose            将加载和速度数据输出到 stderr。
  --json               输出一个 JSON 对象，包含回答及其各项数据。
  --interactive        即使输入来自管道，也逐行进行聊天。

  -h, --help           显示此帮助。
  -v, --version        显示版本号。`,
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
};
