// Simplified Chinese for the code review's engine and CLI messages (merged into messagesZhCn).
export const reviewMessagesZhCn: Readonly<Record<string, string>> = {
  "The model's context ({0} tokens) leaves too little room to review code with answers of {1} tokens. Load the model with a larger context (setting hearth.contextSize or --ctx) and review again.":
    "模型的上下文（{0} 个 token）在为 {1} 个 token 的回答留出空间后，已不足以审查代码。请用更大的上下文加载模型（设置 hearth.contextSize 或 --ctx），然后重新审查。",
  "a list of {0} (path, content, and diff or range)":
    "由 {0} 组成的列表（路径、内容，以及差异或行范围）",
  "at most {0} characters of file text":
    "文件文本总共至多 {0} 个字符",
  "git was not found. Install git, or review a diff file with --diff FILE or files by path.":
    "找不到 git。请安装 git，或用 --diff FILE 审查差异文件，或按路径审查文件。",
  "git {0} failed: {1}":
    "git {0} 失败：{1}",
  "{0} is not inside a git repository. Run hearth review in a repository, or review files by path or a diff with --diff FILE.":
    "{0} 不在 git 仓库中。请在仓库中运行 hearth review，或按路径审查文件，或用 --diff FILE 审查差异。",
  "Choose one of --staged, --base REF, --diff FILE or paths.":
    "请在 --staged、--base REF、--diff FILE 和路径中只选一种。",
  "Cannot read the diff file {0}.":
    "无法读取差异文件 {0}。",
  "Cannot read {0}: it is not a file.":
    "无法读取 {0}：它不是文件。",
  "No model to review with: name one with --model NAME (or a .gguf file), or install one with hearth pull.":
    "没有可用于审查的模型：请用 --model NAME（或 .gguf 文件）指定，或用 hearth pull 安装一个。",
  "lock file":
    "锁文件",
  "vendored":
    "第三方代码",
  "generated":
    "生成的文件",
  "binary":
    "二进制文件",
  "deleted":
    "已删除",
  "too large for the model's context":
    "对模型的上下文来说太大",
  "nothing to review":
    "没有可审查的内容",
  "{0} findings ({1} errors, {2} warnings, {3} notes) in {4} reviewed lines; {5} skipped files; {6} findings dropped by the checks.":
    "在 {4} 行审查内容中发现 {0} 个问题（{1} 个错误、{2} 个警告、{3} 个提示）；跳过 {5} 个文件；{6} 个问题未通过检查而被丢弃。",
  "--format must be text, json or sarif, not \"{0}\".":
    "--format 必须是 text、json 或 sarif，而不是“{0}”。",
  "--fail-on must be error or warning, not \"{0}\".":
    "--fail-on 必须是 error 或 warning，而不是“{0}”。",
  "Nothing to review: there are no changes.":
    "没有可审查的内容：没有任何更改。",
  "This repository has no commits yet, so there is no branch to compare with {0}. Review what you are about to commit with hearth review --staged, or commit first and then run hearth review --base {0}.":
    "此仓库还没有任何提交，因此没有可与 {0} 比较的分支。请用 hearth review --staged 审查即将提交的内容，或先提交，再运行 hearth review --base {0}。",
  "Reviewed {0} of {1} parts…":
    "已审查 {0}/{1} 部分…",
  "Skipped {0} ({1}).":
    "已跳过 {0}（{1}）。",
  [`Usage: hearth review [--staged | --base REF | --diff FILE | PATH...] [options]

Reviews code with a local model and prints its findings. What is reviewed:
  (nothing)            The working tree's changes against HEAD (staged or not).
  --staged             The staged changes (for a pre-commit hook).
  --base REF           This branch's changes since it left REF (git diff REF...HEAD).
  --diff FILE          A unified diff from a file ("-" reads standard input).
  PATH...              Whole files.
Only the changed lines of a diff are commented on. Lock files, vendored and generated files are
skipped. Project rules are read from .hearth/review.md, else AGENTS.md, at the repository's top.

Options:
  --model NAME         The model (an installed model or a .gguf file; default $HEARTH_MODEL,
                       else the first installed model).
  --format FORMAT      text (default), json or sarif (SARIF 2.1.0, for code scanning).
  --json               The same as --format json.
  --fail-on LEVEL      Exit with 1 when a finding is at least this severe: error or warning.
  --max-tokens N       The most tokens per answer (default 1024).
  --seed N             Random seed, for repeatable reviews.
  --threads N          CPU threads (default: physical cores).
  --ctx N              Context size in tokens (default: min(4096, the model's)).
  -h, --help           Show this help.

Exit codes: 0 done (and nothing reached --fail-on), 1 a finding reached --fail-on or the
review failed, 2 usage mistake, 130 cancelled.`]:
    `用法：hearth review [--staged | --base REF | --diff FILE | PATH...] [选项]

用本地模型审查代码并输出发现的问题。审查的内容：
  （不指定）           工作区相对 HEAD 的更改（无论是否已暂存）。
  --staged             已暂存的更改（用于 pre-commit 钩子）。
  --base REF           本分支自离开 REF 以来的更改（git diff REF...HEAD）。
  --diff FILE          文件中的统一差异（"-" 表示从标准输入读取）。
  PATH...              整个文件。
差异只对更改过的行提出意见。锁文件、第三方代码和生成的文件会被跳过。项目规则读取自仓库顶层的
.hearth/review.md，没有时读取 AGENTS.md。

选项：
  --model NAME         使用的模型（已安装的模型或 .gguf 文件；默认 $HEARTH_MODEL，
                       否则为第一个已安装的模型）。
  --format FORMAT      text（默认）、json 或 sarif（SARIF 2.1.0，用于代码扫描）。
  --json               等同于 --format json。
  --fail-on LEVEL      有问题达到此严重程度时以 1 退出：error 或 warning。
  --max-tokens N       每次回答最多生成的 token 数（默认 1024）。
  --seed N             随机种子，用于可重复的审查。
  --threads N          CPU 线程数（默认：物理核心数）。
  --ctx N              上下文大小（token 数，默认：4096 与模型上限中较小者）。
  -h, --help           显示此帮助。

退出码：0 完成（且没有问题达到 --fail-on），1 有问题达到 --fail-on 或审查失败，
2 用法错误，130 已取消。`,
};
