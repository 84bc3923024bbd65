// Simplified Chinese for the local HTTP API's messages (src/engine/api/apiServer.ts, ollamaApi.ts,
// openaiApi.ts, their mappings in src/common) and `hearth serve`; merged into messagesZhCn.ts.
export const apiMessagesZhCn: Readonly<Record<string, string>> = {
  [`Usage: hearth serve [options]

Serves Hearth's models over HTTP with Ollama's REST API (/api/generate, /api/chat,
/api/embed, /api/tags, /api/pull…) and OpenAI's (/v1/chat/completions, /v1/completions,
/v1/embeddings, /v1/models), so Ollama and OpenAI clients, scripts and LangChain use them
unchanged. Models load when a request names them. Ctrl+C stops the server.

Only this computer can call it: it listens on 127.0.0.1 and refuses requests whose Host or
Origin is not local, unless you allow them.

Options:
  --host HOST:PORT     Where to listen (default 127.0.0.1:11435, or HEARTH_HOST);
                       0.0.0.0:11435 accepts other computers.
  --origins LIST       Web page origins allowed to call the API, comma-separated
                       (default HEARTH_ORIGINS), for example https://app.example.com.
  --threads N          CPU threads per model (default: physical cores).
  --ctx N              Context size in tokens (default: min(4096, the model's)).
  --verbose            Log every request to stderr.
  -h, --help           Show this help.

Environment:
  HEARTH_HOST          Where to listen, as --host.
  HEARTH_ORIGINS       Allowed origins, as --origins (like OLLAMA_ORIGINS).`]: `用法：hearth serve [选项]

通过 HTTP 提供 Hearth 的模型，兼容 Ollama 的 REST API（/api/generate、/api/chat、
/api/embed、/api/tags、/api/pull…）和 OpenAI 的 API（/v1/chat/completions、/v1/completions、
/v1/embeddings、/v1/models），Ollama 和 OpenAI 的客户端、脚本和 LangChain 无需修改即可使用。
请求用到某个模型时才加载它。按 Ctrl+C 停止服务。

只有本机可以调用：它监听 127.0.0.1，并拒绝 Host 或 Origin 不是本机的请求，除非你允许。

选项：
  --host HOST:PORT     监听地址（默认 127.0.0.1:11435，或 HEARTH_HOST）；
                       0.0.0.0:11435 接受其他计算机的请求。
  --origins LIST       允许调用 API 的网页来源，以逗号分隔
                       （默认 HEARTH_ORIGINS），例如 https://app.example.com。
  --threads N          每个模型使用的 CPU 线程数（默认：物理核心数）。
  --ctx N              上下文大小（token 数，默认：4096 与模型上下文中的较小者）。
  --verbose            把每个请求记录到 stderr。
  -h, --help           显示此帮助。

环境变量：
  HEARTH_HOST          监听地址，同 --host。
  HEARTH_ORIGINS       允许的来源，同 --origins（类似 OLLAMA_ORIGINS）。`,
  "Hearth API listening on {0} (Ollama: {0}/api/…, OpenAI: {0}/v1). Press Ctrl+C to stop.":
    "Hearth API 正在监听 {0}（Ollama：{0}/api/…，OpenAI：{0}/v1）。按 Ctrl+C 停止。",
  "Stopping the Hearth API…": "正在停止 Hearth API…",
  "\"{0}\" is not an address to listen on. Write HOST:PORT, for example 127.0.0.1:11435, or 0.0.0.0:11435 to accept other computers.":
    "“{0}”不是可以监听的地址。请写成 HOST:PORT，例如 127.0.0.1:11435；写 0.0.0.0:11435 则接受其他计算机的请求。",
  "a JSON object": "一个 JSON 对象",
  "a string or a list of strings": "字符串或字符串列表",
  "\"json\" or a JSON schema object": "\"json\" 或 JSON schema 对象",
  "a number of seconds or a duration such as \"5m\"": "秒数，或 \"5m\" 这样的时长",
  "Invalid request: message {0} has the role \"{1}\"; Hearth takes system, user and assistant messages (it does not call tools).":
    "无效请求：第 {0} 条消息的角色是“{1}”；Hearth 只接受 system、user 和 assistant 消息（它不调用工具）。",
  "Invalid request: the last message must be the user's (the one to answer), but it is the assistant's.":
    "无效请求：最后一条消息必须是用户的（即要回答的那条），但它是助手的。",
  "a list of messages": "消息列表",
  "a message with a role and content": "带有 role 和 content 的消息",
  "Hearth's models read text only: this request carries images. Send the text alone, or use a vision model in another tool.":
    "Hearth 的模型只读取文本：此请求带有图片。请只发送文本，或在其他工具中使用视觉模型。",
  "Hearth does not call tools yet: send the request without \"tools\" (describe the tools in the prompt instead).":
    "Hearth 暂不支持调用工具：请去掉 \"tools\" 再发送请求（可以改在提示词中描述工具）。",
  "Invalid request: a value holds three double quotes (\"\"\"), which a Modelfile cannot quote.":
    "无效请求：某个值包含三个连续的双引号（\"\"\"），Modelfile 无法为它加引号。",
  "Hearth does not take uploaded model files: name an installed model or a .gguf path on this computer in \"from\" (or FROM), or import the file with hearth import.":
    "Hearth 不接受上传的模型文件：请在 \"from\"（或 FROM）中写已安装的模型名或本机上的 .gguf 路径，或用 hearth import 导入该文件。",
  "Hearth does not quantize models: pull or import a GGUF file already quantized (for example Q4_K_M).":
    "Hearth 不做模型量化：请拉取或导入已经量化的 GGUF 文件（例如 Q4_K_M）。",
  "a string, number or boolean, or a list of them": "字符串、数字或布尔值，或它们的列表",
  "a non-empty list of messages": "非空的消息列表",
  "a string or a list of text parts": "字符串或文本片段列表",
  "a whole number of at least 1": "不小于 1 的整数",
  "Hearth writes one answer per request: send \"n\": 1 (or leave it out), and several requests for several answers.":
    "Hearth 每个请求只写一个回答：请发送 \"n\": 1（或省略它），需要多个回答时请发送多个请求。",
  "a JSON schema object": "JSON schema 对象",
  "\"text\", \"json_object\" or \"json_schema\"": "\"text\"、\"json_object\" 或 \"json_schema\"",
  "model \"{0}\" not found: it is not installed in Hearth. Pull it first (hearth pull {0}, or POST /api/pull).":
    "未找到模型“{0}”：它没有安装在 Hearth 中。请先拉取（hearth pull {0}，或 POST /api/pull）。",
  "Hearth's API cannot listen on {0}: another program already uses that port. Stop it, or choose another port with HEARTH_HOST or the hearth.api.host setting (for example 127.0.0.1:11436).":
    "Hearth 的 API 无法监听 {0}：另一个程序已占用该端口。请停止那个程序，或用 HEARTH_HOST 或 hearth.api.host 设置换一个端口（例如 127.0.0.1:11436）。",
  "Hearth's API cannot listen on {0}: {1}. Check HEARTH_HOST or the hearth.api.host setting.":
    "Hearth 的 API 无法监听 {0}：{1}。请检查 HEARTH_HOST 或 hearth.api.host 设置。",
  "Hearth refused the request: its Host header \"{0}\" is not this computer, so it may come from a web page that is not allowed to call Hearth (DNS rebinding). Call Hearth as localhost or 127.0.0.1, or add the host to HEARTH_ORIGINS (the hearth.api.allowedOrigins setting).":
    "Hearth 拒绝了该请求：它的 Host 头“{0}”不是本机，可能来自无权调用 Hearth 的网页（DNS 重绑定）。请用 localhost 或 127.0.0.1 调用 Hearth，或把该主机加入 HEARTH_ORIGINS（hearth.api.allowedOrigins 设置）。",
  "Hearth refused a request from the web page at {0}: only pages on this computer may call Hearth's API. To allow that site, add it to HEARTH_ORIGINS (the hearth.api.allowedOrigins setting), for example {0}.":
    "Hearth 拒绝了来自网页 {0} 的请求：只有本机上的页面可以调用 Hearth 的 API。要允许该网站，请把它加入 HEARTH_ORIGINS（hearth.api.allowedOrigins 设置），例如 {0}。",
  "{0} does not take {1} requests.": "{0} 不接受 {1} 请求。",
  "There is no {0} in Hearth's API. See Hearth's README (Local API) for the endpoints.":
    "Hearth 的 API 中没有 {0}。端点列表见 Hearth 的 README（本地 API 一节）。",
  "The request body is larger than Hearth accepts ({0} bytes at most). Send less text per request (split a batch of texts to embed into several requests).":
    "请求体超过了 Hearth 接受的大小（最多 {0} 字节）。请每次少发一些文本（把要嵌入的一批文本拆成多个请求）。",
  "The request body is not valid JSON: {0}. Send a JSON object.": "请求体不是有效的 JSON：{0}。请发送一个 JSON 对象。",
  "Hearth does not fill in the middle yet: send the request without \"suffix\".":
    "Hearth 暂不支持中间填充：请去掉 \"suffix\" 再发送请求。",
  "Invalid request: \"messages\" holds no user message to answer.": "无效请求：\"messages\" 中没有需要回答的用户消息。",
  "Invalid request: \"prompt\" must be one string (Hearth completes one prompt per request).":
    "无效请求：\"prompt\" 必须是一个字符串（Hearth 每个请求只续写一个提示词）。",
  "Invalid request: \"input\" must be a string or a list of strings (Hearth does not take token arrays).":
    "无效请求：\"input\" 必须是字符串或字符串列表（Hearth 不接受 token 数组）。",
  "The model \"{0}\" does not exist in Hearth: it is not installed. Pull it first (hearth pull {0}).":
    "Hearth 中没有模型“{0}”：它没有安装。请先拉取（hearth pull {0}）。",
  "Hearth could not reach the remote server at {0}: {1}. Check that it runs and that its address is right.":
    "Hearth 无法连接远程服务器 {0}：{1}。请确认它正在运行，且地址正确。",
  "The remote server at {0} refused the request ({1}). Check the API key.":
    "远程服务器 {0} 拒绝了请求（{1}）。请检查 API 密钥。",
  "The remote server at {0} says: {1}": "远程服务器 {0} 返回：{1}",
  "The remote server at {0} failed: {1}": "远程服务器 {0} 出错：{1}",
  "The remote server cannot follow a GBNF grammar: give a JSON schema instead, or use the embedded engine.":
    "远程服务器无法遵循 GBNF 语法：请改用 JSON schema，或使用内置引擎。",
  "\"{0}\" does not generate text (its purpose is {1}). Use it with /api/embed or /v1/embeddings, and a chat or code model here.":
    "“{0}”不能生成文本（它的用途是 {1}）。请在 /api/embed 或 /v1/embeddings 中使用它，这里请用聊天或代码模型。",
  "A review on the remote engine was asked for, but no remote engine with a model is set. Set hearth.remote.kind, hearth.remote.url and hearth.remote.model, or set hearth.remote.kind to off to review with the embedded engine.":
    "请求在远程引擎上审查，但没有设置带模型的远程引擎。请设置 hearth.remote.kind、hearth.remote.url 和 hearth.remote.model，或把 hearth.remote.kind 设为 off，用内置引擎审查。",
  "The index was embedded with {0} on a remote server that is not Hearth's remote engine now (settings hearth.remote.*). Set the remote back, or build the index again to embed it with the model configured now.":
    "索引是用远程服务器上的 {0} 嵌入的，但该服务器现在不是 Hearth 的远程引擎（设置 hearth.remote.*）。请把远程设置改回去，或重新构建索引，用现在配置的模型嵌入。",
  "The remote server at {0} did not answer with one embedding per text ({1}). Check that {2} is an embedding model the server serves.":
    "远程服务器 {0} 没有为每段文本返回一个嵌入向量（{1}）。请确认 {2} 是该服务器提供的嵌入模型。",
  "null or an object with kind, url, model and embeddingModel": "null，或含 kind、url、model 和 embeddingModel 的对象",
  "\"ollama\" or \"openai\"": "\"ollama\" 或 \"openai\"",
  "\"auto\" or \"off\"": "\"auto\" 或 \"off\"",
};
