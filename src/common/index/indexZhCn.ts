// Simplified Chinese for the messages of workspace retrieval (the indexer, `hearth index`,
// `hearth search`), merged into messagesZhCn.ts. The English text is the key.

export const retrievalMessagesZhCn: Readonly<Record<string, string>> = {
  [`Usage: hearth index [PATH] [options]

Indexes the folder PATH (default: the current folder) for hearth search: code by functions and
classes, Markdown by headings, PDF by page, other text in windows. Never indexed: what
.gitignore and .hearthignore files exclude, secrets (.env files, keys, certificates, credential
files, .aws/ and .ssh/), binary and minified files, and files over the size limit. Run it again
to bring the index up to date: only changed files are read and embedded again.

Options:
  --embedding-model NAME|FILE|none
                       Embed with this model (an installed model or a .gguf file) for hybrid
                       search; none: keyword search only. Default: the model the index uses,
                       else an installed embedding model from the catalogue, else none.
  --exclude PATTERN    Leave out files matching PATTERN (.gitignore syntax); repeatable as a
                       comma-separated list.
  --max-file-size KB   Leave out files larger than this (default 1024).
  --rebuild            Read and embed every file again.
  --status             Show the index's state instead of updating it.
  --clear              Delete the folder's index.
  --threads N          CPU threads for the embedding model (default: physical cores).
  --json               Print the result as JSON (no progress bar).
  -h, --help           Show this help.

Environment:
  HEARTH_HOME          Indexes are kept in HEARTH_HOME/indexes (default ~/.hearth).`]: `用法：hearth index [PATH] [选项]

为文件夹 PATH（默认当前文件夹）建立索引，供 hearth search 使用：代码按函数和类切分，Markdown
按标题，PDF 按页，其他文本按行窗口。以下内容从不编入索引：.gitignore 和 .hearthignore 排除的
文件、机密（.env 文件、密钥、证书、凭据文件、.aws/ 和 .ssh/）、二进制文件、压缩过的文件以及
超过大小上限的文件。再次运行即可更新索引：只重新读取和嵌入有变化的文件。

选项：
  --embedding-model NAME|FILE|none
                       用此模型（已安装的模型或 .gguf 文件）计算嵌入，以进行混合搜索；
                       none：只用关键词搜索。默认：索引已在用的模型，否则为已安装的
                       目录中的嵌入模型，否则为 none。
  --exclude PATTERN    不收录匹配 PATTERN（.gitignore 语法）的文件；多个模式用逗号分隔。
  --max-file-size KB   不收录大于此大小的文件（默认 1024）。
  --rebuild            重新读取并嵌入所有文件。
  --status             显示索引状态，而不更新索引。
  --clear              删除该文件夹的索引。
  --threads N          嵌入模型使用的 CPU 线程数（默认：物理核心数）。
  --json               以 JSON 输出结果（不显示进度条）。
  -h, --help           显示此帮助。

环境变量：
  HEARTH_HOME          索引保存在 HEARTH_HOME/indexes（默认 ~/.hearth）。`,
  "No index yet. Run hearth index to build one.": "还没有索引。运行 hearth index 建立索引。",
  "Index: {0}": "索引：{0}",
  "Folders: {0}": "文件夹：{0}",
  "Files: {0}, chunks: {1}, size on disk: {2}": "文件：{0}，片段：{1}，磁盘占用：{2}",
  "Embedding model: {0}": "嵌入模型：{0}",
  "none (keyword search only)": "无（仅关键词搜索）",
  "Last update: {0}": "上次更新：{0}",
  "scanning…": "正在扫描…",
  "saving…": "正在保存…",
  "{0}/{1} files, {2} chunks embedded": "{0}/{1} 个文件，已嵌入 {2} 个片段",
  "Indexed {0} files ({1} read again, {2} unchanged, {3} removed) in {4} s: {5} chunks, {6} embedded now, {7} kept.":
    "已为 {0} 个文件建立索引（重新读取 {1} 个，未变 {2} 个，移除 {3} 个），用时 {4} 秒：共 {5} 个片段，本次嵌入 {6} 个，沿用 {7} 个。",
  "Left out: {0} ignored, {1} secret, {2} too large, {3} binary, {4} minified, {5} unreadable.":
    "未收录：忽略 {0} 个，机密 {1} 个，过大 {2} 个，二进制 {3} 个，压缩过 {4} 个，无法读取 {5} 个。",
  "Embedding model: {0}. Search with: hearth search \"QUERY\"": "嵌入模型：{0}。搜索方法：hearth search \"QUERY\"",
  "No embedding model: search is by keywords only (hearth index --embedding-model NAME adds vectors).":
    "没有嵌入模型：只能按关键词搜索（hearth index --embedding-model NAME 可加入向量）。",
  "{0} is not a folder.": "{0} 不是文件夹。",
  "Deleted the index of {0}.": "已删除 {0} 的索引。",
  "{0} has no index.": "{0} 没有索引。",
  [`Usage: hearth search "QUERY" [options]

Searches the index of a folder (built with hearth index) and prints the best matching pieces of
code and text with their file and lines. Identifiers match whole and in parts (parseConfig finds
parse_config); with an embedding model in the index, meaning matches too.

Options:
  --path PATH          The indexed folder (default: the current folder); results are relative to it.
  --k N                How many results (default 10).
  --mode MODE          hybrid (default), keyword or vector.
  --rerank-model NAME|FILE
                       Reorder the results with a reranker model.
  --threads N          CPU threads for the models (default: physical cores).
  --json               Print {"results":[{"path","startLine","endLine","score","text"}]}.
  -h, --help           Show this help.`]: `用法：hearth search "QUERY" [选项]

在文件夹的索引（由 hearth index 建立）中搜索，列出最匹配的代码和文本片段及其文件和行号。
标识符既整体匹配也按组成部分匹配（parseConfig 能找到 parse_config）；索引中有嵌入模型时，
也按语义匹配。

选项：
  --path PATH          已建索引的文件夹（默认当前文件夹）；结果路径相对于它。
  --k N                结果数量（默认 10）。
  --mode MODE          hybrid（默认）、keyword 或 vector。
  --rerank-model NAME|FILE
                       用重排序模型重新排列结果。
  --threads N          模型使用的 CPU 线程数（默认：物理核心数）。
  --json               输出 {"results":[{"path","startLine","endLine","score","text"}]}。
  -h, --help           显示此帮助。`,
  "--k must be from 1 to 200.": "--k 必须在 1 到 200 之间。",
  "--mode must be hybrid, keyword or vector, not \"{0}\".": "--mode 必须是 hybrid、keyword 或 vector，而不是“{0}”。",
  "{0} has no index yet. Build it first: hearth index {1}": "{0} 还没有索引。请先建立：hearth index {1}",
  "No matches.": "没有匹配结果。",
  "{0} page {1}": "{0} 第 {1} 页",
  "{0} is not a folder Hearth can index. Check the path and try again.": "{0} 不是 Hearth 可以建立索引的文件夹。请检查路径后重试。",
  "The embedding model returned vectors of {0} dimensions where the index holds {1}. Re-index the workspace.":
    "嵌入模型返回了 {0} 维的向量，而索引中是 {1} 维。请重新为工作区建立索引。",
  "a non-empty list of folders": "非空的文件夹列表",
  "The Hearth workspace index is built from files: index a folder (hearth index, or Index Workspace in VS Code) rather than adding documents.":
    "Hearth 的工作区索引由文件建立：请为文件夹建立索引（hearth index，或在 VS Code 中运行“为工作区建立索引”），而不是添加文档。",
  "The last message must be the user's (the one to answer).": "最后一条消息必须是用户的消息（即要回答的那一条）。",
  "\"hybrid\", \"keyword\" or \"vector\"": "“hybrid”、“keyword”或“vector”",
};
