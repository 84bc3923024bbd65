// Simplified Chinese for the code review's engine and CLI messages (merged into messagesZhCn).
export const reviewMessagesZhCn: Readonly<Record<string, string>> = {
  "The model's context ({0} tokens) leaves too little room to review code with answers of {1} tokens. Load the model with a larger context (setting hearth.contextSize or --ctx) and review again.":
    "模型的上下文（{0} 个 token）在为 {1} 个 token 的回答留出空间后，已不足以审查代码。请用更大的上下文加载模型（设置 hearth.contextSize 或 --ctx），然后重新审查。",
  "a list of {0} (path, content, and diff or range)":
    "由 {0} 组成的列表（路径、内容，以及差异或行范围）",
  "at most {0} characters of file text":
    "文件文本总共至多 {0} 个字符",
};
