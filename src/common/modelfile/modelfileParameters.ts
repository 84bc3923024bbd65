// What a Modelfile may say: Ollama's PARAMETER names (api/types.go `Options` and `Runner`, with
// their types, defaults and the ranges that make sense for llama.cpp), the parameters Ollama has
// deprecated (parser.go: accepted with a warning, then ignored) or dropped (now an "unknown
// parameter" error), and documentation for every instruction and parameter in English and
// Simplified Chinese, written after Ollama's docs/modelfile.md and docs/api.md.
// Over 600 lines on purpose: it is a table (one entry per Ollama parameter, with its type, range
// and documentation in two languages); splitting it would only scatter the rows.

import type { ModelfileInstruction } from "./modelfileParser";

/** How Ollama reads the value: Go's strconv.ParseInt (base 10), ParseFloat, ParseBool, or the text as is. */
export type ModelfileParameterType = "int" | "float" | "bool" | "string";

/** current: in use; deprecated: Ollama accepts it, warns and ignores it; removed: Ollama rejects it. */
export type ModelfileParameterStatus = "current" | "deprecated" | "removed";

export interface ModelfileDocumentation {
  readonly en: string;
  readonly zhCn: string;
}

export interface ModelfileParameterInfo {
  readonly name: string;
  readonly type: ModelfileParameterType;
  /** Smallest sensible value (inclusive); a value below it gets a warning. */
  readonly min?: number;
  /** Largest sensible value (inclusive). */
  readonly max?: number;
  /** The only values that mean something (mirostat: 0, 1, 2). */
  readonly allowed?: readonly number[];
  /** Ollama's default, as text; absent when the model or the machine decides. */
  readonly default?: string;
  /** The parameter may be given several times and the values add up (stop). */
  readonly repeatable: boolean;
  readonly status: ModelfileParameterStatus;
  /** A line to show as an example: `PARAMETER temperature 0.7`. */
  readonly example: string;
  readonly documentation: ModelfileDocumentation;
}

export const modelfileParameters: readonly ModelfileParameterInfo[] = [
  {
    name: "num_ctx",
    type: "int",
    min: 1,
    default: "4096",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_ctx 4096",
    documentation: {
      en: "Sets the size of the context window used to generate the next token, in tokens. (Default: 4096; older Ollama versions used 2048)",
      zhCn: "设置生成下一个 token 时使用的上下文窗口大小（以 token 计）。（默认值：4096；较早的 Ollama 版本为 2048）",
    },
  },
  {
    name: "num_batch",
    type: "int",
    min: 1,
    default: "512",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_batch 512",
    documentation: {
      en: "The number of prompt tokens processed together in one batch. Larger batches evaluate long prompts faster but use more memory. (Default: 512)",
      zhCn: "一次批量处理的提示词 token 数。批量越大，长提示词的计算越快，但占用的内存也越多。（默认值：512）",
    },
  },
  {
    name: "num_gpu",
    type: "int",
    min: -1,
    default: "-1",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_gpu 50",
    documentation: {
      en: "The number of layers to send to the GPU(s). 0 runs on the CPU only; -1 lets the runtime choose from the free GPU memory. (Default: -1, chosen automatically)",
      zhCn: "放到 GPU 上的模型层数。0 表示只用 CPU 运行；-1 表示由运行时根据可用显存自动决定。（默认值：-1，自动选择）",
    },
  },
  {
    name: "main_gpu",
    type: "int",
    min: 0,
    default: "0",
    repeatable: false,
    status: "current",
    example: "PARAMETER main_gpu 0",
    documentation: {
      en: "Which GPU to use for small tensors and scratch buffers when a model is split across several GPUs. (Default: 0)",
      zhCn: "模型分布在多块 GPU 上时，用于存放小张量和临时缓冲区的 GPU 编号。（默认值：0）",
    },
  },
  {
    name: "use_mmap",
    type: "bool",
    repeatable: false,
    status: "current",
    example: "PARAMETER use_mmap false",
    documentation: {
      en: "Whether to map the model file into memory instead of reading it all in. Mapping loads faster and lets the system share pages; turn it off when the file sits on a slow or network drive. (Default: chosen by the runtime)",
      zhCn: "是否以内存映射方式加载模型文件，而不是把整个文件读入内存。内存映射加载更快，且系统可共享内存页；模型文件位于慢速磁盘或网络驱动器上时可关闭。（默认值：由运行时决定）",
    },
  },
  {
    name: "num_thread",
    type: "int",
    min: 0,
    default: "0",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_thread 8",
    documentation: {
      en: "Sets the number of threads to use during computation. By default the runtime picks a number for the best performance; it is recommended to set this to the number of physical CPU cores (not logical cores). 0 means automatic.",
      zhCn: "设置计算时使用的线程数。默认由运行时选择性能最佳的数量；建议设为 CPU 的物理核心数（而不是逻辑核心数）。0 表示自动。",
    },
  },
  {
    name: "num_keep",
    type: "int",
    min: -1,
    default: "4",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_keep 4",
    documentation: {
      en: "The number of tokens from the start of the prompt to keep when the context fills up and older tokens are dropped. -1 keeps the whole prompt. (Default: 4)",
      zhCn: "上下文占满、需要丢弃较早的 token 时，从提示词开头保留的 token 数。-1 表示保留整个提示词。（默认值：4）",
    },
  },
  {
    name: "seed",
    type: "int",
    default: "-1",
    repeatable: false,
    status: "current",
    example: "PARAMETER seed 42",
    documentation: {
      en: "Sets the random number seed to use for generation. Setting this to a specific number will make the model generate the same text for the same prompt. -1 picks a new random seed each time. (Default: -1)",
      zhCn: "设置生成时使用的随机数种子。设为固定数值后，同样的提示词会生成同样的文本。-1 表示每次随机选择种子。（默认值：-1）",
    },
  },
  {
    name: "num_predict",
    type: "int",
    min: -2,
    default: "-1",
    repeatable: false,
    status: "current",
    example: "PARAMETER num_predict 256",
    documentation: {
      en: "Maximum number of tokens to predict when generating text. (Default: -1, infinite generation; -2 = fill the context)",
      zhCn: "生成文本时最多预测的 token 数。（默认值：-1，表示不限制；-2 表示一直生成到填满上下文）",
    },
  },
  {
    name: "top_k",
    type: "int",
    min: 0,
    default: "40",
    repeatable: false,
    status: "current",
    example: "PARAMETER top_k 40",
    documentation: {
      en: "Reduces the probability of generating nonsense. A higher value (e.g. 100) will give more diverse answers, while a lower value (e.g. 10) will be more conservative. 0 disables it. (Default: 40)",
      zhCn: "降低生成无意义内容的概率。较高的值（例如 100）会让回答更多样，较低的值（例如 10）会更保守。0 表示不启用。（默认值：40）",
    },
  },
  {
    name: "top_p",
    type: "float",
    min: 0,
    max: 1,
    default: "0.9",
    repeatable: false,
    status: "current",
    example: "PARAMETER top_p 0.9",
    documentation: {
      en: "Works together with top_k. A higher value (e.g. 0.95) will lead to more diverse text, while a lower value (e.g. 0.5) will generate more focused and conservative text. (Default: 0.9)",
      zhCn: "与 top_k 配合使用。较高的值（例如 0.95）会生成更多样的文本，较低的值（例如 0.5）会生成更集中、更保守的文本。（默认值：0.9）",
    },
  },
  {
    name: "min_p",
    type: "float",
    min: 0,
    max: 1,
    default: "0.0",
    repeatable: false,
    status: "current",
    example: "PARAMETER min_p 0.05",
    documentation: {
      en: "Alternative to top_p that aims to balance quality and variety. The value p is the minimum probability for a token to be considered, relative to the probability of the most likely token. For example, with p = 0.05 and the most likely token at 0.9, tokens below 0.045 are filtered out. (Default: 0.0)",
      zhCn: "top_p 的替代方案，旨在兼顾质量与多样性。p 表示一个 token 被考虑所需的最低概率，相对于最可能 token 的概率而言。例如 p = 0.05 且最可能 token 的概率为 0.9 时，概率低于 0.045 的 token 会被过滤掉。（默认值：0.0）",
    },
  },
  {
    name: "typical_p",
    type: "float",
    min: 0,
    max: 1,
    default: "1.0",
    repeatable: false,
    status: "current",
    example: "PARAMETER typical_p 0.95",
    documentation: {
      en: "Locally typical sampling: keeps the tokens whose probability is close to the expected information content. 1.0 disables it. (Default: 1.0)",
      zhCn: "局部典型采样：只保留概率接近预期信息量的 token。1.0 表示不启用。（默认值：1.0）",
    },
  },
  {
    name: "repeat_last_n",
    type: "int",
    min: -1,
    default: "64",
    repeatable: false,
    status: "current",
    example: "PARAMETER repeat_last_n 64",
    documentation: {
      en: "Sets how far back the model looks to prevent repetition. (Default: 64, 0 = disabled, -1 = num_ctx)",
      zhCn: "设置模型向前回看多少个 token 以避免重复。（默认值：64；0 表示不启用；-1 表示等于 num_ctx）",
    },
  },
  {
    name: "repeat_penalty",
    type: "float",
    min: 0,
    default: "1.1",
    repeatable: false,
    status: "current",
    example: "PARAMETER repeat_penalty 1.1",
    documentation: {
      en: "Sets how strongly to penalize repetitions. A higher value (e.g. 1.5) will penalize repetitions more strongly, while a lower value (e.g. 0.9) will be more lenient. 1.0 disables it. (Default: 1.1)",
      zhCn: "设置对重复内容的惩罚强度。较高的值（例如 1.5）惩罚更重，较低的值（例如 0.9）更宽松。1.0 表示不惩罚。（默认值：1.1）",
    },
  },
  {
    name: "presence_penalty",
    type: "float",
    min: -2,
    max: 2,
    default: "0.0",
    repeatable: false,
    status: "current",
    example: "PARAMETER presence_penalty 0.5",
    documentation: {
      en: "Penalizes tokens that have already appeared at all, encouraging the model to move on to new topics. (Default: 0.0, disabled)",
      zhCn: "对已经出现过的 token 施加惩罚（不论出现次数），鼓励模型转向新的话题。（默认值：0.0，不启用）",
    },
  },
  {
    name: "frequency_penalty",
    type: "float",
    min: -2,
    max: 2,
    default: "0.0",
    repeatable: false,
    status: "current",
    example: "PARAMETER frequency_penalty 0.5",
    documentation: {
      en: "Penalizes tokens in proportion to how often they have appeared so far, reducing word-for-word repetition. (Default: 0.0, disabled)",
      zhCn: "按 token 已出现的次数成比例地施加惩罚，减少逐字重复。（默认值：0.0，不启用）",
    },
  },
  {
    name: "temperature",
    type: "float",
    min: 0,
    max: 2,
    default: "0.8",
    repeatable: false,
    status: "current",
    example: "PARAMETER temperature 0.7",
    documentation: {
      en: "The temperature of the model. Increasing the temperature will make the model answer more creatively; 0 always picks the most likely token. (Default: 0.8)",
      zhCn: "模型的温度。温度越高，回答越有创造性；0 表示总是选择最可能的 token。（默认值：0.8）",
    },
  },
  {
    name: "stop",
    type: "string",
    repeatable: true,
    status: "current",
    example: "PARAMETER stop \"<|im_end|>\"",
    documentation: {
      en: "Sets a stop sequence. When this pattern is encountered the model stops generating text and returns. Multiple stop patterns may be set by giving several separate stop parameters.",
      zhCn: "设置停止序列。遇到该文本时，模型停止生成并返回。可以写多个 stop 参数来设置多个停止序列。",
    },
  },
  {
    name: "mirostat",
    type: "int",
    allowed: [0, 1, 2],
    default: "0",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER mirostat 0",
    documentation: {
      en: "Enable Mirostat sampling for controlling perplexity. (Default: 0, 0 = disabled, 1 = Mirostat, 2 = Mirostat 2.0) Deprecated: Ollama now ignores it.",
      zhCn: "启用 Mirostat 采样以控制困惑度。（默认值：0；0 = 不启用，1 = Mirostat，2 = Mirostat 2.0）已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "mirostat_eta",
    type: "float",
    min: 0,
    default: "0.1",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER mirostat_eta 0.1",
    documentation: {
      en: "Influences how quickly the Mirostat algorithm responds to feedback from the generated text. A lower learning rate will result in slower adjustments, while a higher learning rate will make the algorithm more responsive. (Default: 0.1) Deprecated: Ollama now ignores it.",
      zhCn: "影响 Mirostat 算法对已生成文本的反馈作出反应的速度。学习率越低调整越慢，越高则算法反应越灵敏。（默认值：0.1）已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "mirostat_tau",
    type: "float",
    min: 0,
    default: "5.0",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER mirostat_tau 5.0",
    documentation: {
      en: "Controls the balance between coherence and diversity of the output under Mirostat. A lower value will result in more focused and coherent text. (Default: 5.0) Deprecated: Ollama now ignores it.",
      zhCn: "在 Mirostat 采样下控制输出的连贯性与多样性之间的平衡。值越低，文本越集中、越连贯。（默认值：5.0）已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "penalize_newline",
    type: "bool",
    default: "true",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER penalize_newline true",
    documentation: {
      en: "Whether the repeat penalty also applies to the newline token. Deprecated: Ollama now ignores it.",
      zhCn: "重复惩罚是否也作用于换行符 token。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "low_vram",
    type: "bool",
    default: "false",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER low_vram false",
    documentation: {
      en: "Reduced GPU memory use at the cost of speed. Deprecated: Ollama now ignores it.",
      zhCn: "以速度为代价减少显存占用。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "f16_kv",
    type: "bool",
    default: "true",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER f16_kv true",
    documentation: {
      en: "Stored the key/value cache in 16-bit floats. Deprecated: Ollama now ignores it.",
      zhCn: "以 16 位浮点数存储键值缓存。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "logits_all",
    type: "bool",
    default: "false",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER logits_all false",
    documentation: {
      en: "Returned logits for every token, not only the last. Deprecated: Ollama now ignores it.",
      zhCn: "为每个 token（而不仅是最后一个）返回 logits。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "vocab_only",
    type: "bool",
    default: "false",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER vocab_only false",
    documentation: {
      en: "Loaded only the vocabulary, not the weights. Deprecated: Ollama now ignores it.",
      zhCn: "只加载词表，不加载权重。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "use_mlock",
    type: "bool",
    default: "false",
    repeatable: false,
    status: "deprecated",
    example: "PARAMETER use_mlock false",
    documentation: {
      en: "Locked the model in memory so the system cannot swap it out. Deprecated: Ollama now ignores it.",
      zhCn: "将模型锁定在内存中，防止系统将其换出。已弃用：Ollama 现在会忽略此参数。",
    },
  },
  {
    name: "tfs_z",
    type: "float",
    min: 0,
    default: "1.0",
    repeatable: false,
    status: "removed",
    example: "PARAMETER tfs_z 1",
    documentation: {
      en: "Tail free sampling reduced the impact of less probable tokens (1.0 disabled it). Removed: current Ollama versions reject it, so delete the line.",
      zhCn: "无尾采样，用于降低低概率 token 的影响（1.0 表示不启用）。已移除：当前版本的 Ollama 会拒绝此参数，请删除该行。",
    },
  },
  {
    name: "numa",
    type: "bool",
    default: "false",
    repeatable: false,
    status: "removed",
    example: "PARAMETER numa false",
    documentation: {
      en: "Enabled NUMA-aware memory placement. Removed: current Ollama versions reject it, so delete the line.",
      zhCn: "启用 NUMA 感知的内存分配。已移除：当前版本的 Ollama 会拒绝此参数，请删除该行。",
    },
  },
  {
    name: "num_gqa",
    type: "int",
    min: 1,
    repeatable: false,
    status: "removed",
    example: "PARAMETER num_gqa 8",
    documentation: {
      en: "The number of GQA groups in the transformer layer, once required by some models (8 for llama2:70b). Removed: it is read from the model file now, and current Ollama versions reject it.",
      zhCn: "Transformer 层中 GQA 分组的数量，过去部分模型需要设置（例如 llama2:70b 为 8）。已移除：现在从模型文件读取，当前版本的 Ollama 会拒绝此参数。",
    },
  },
  {
    name: "rope_frequency_base",
    type: "float",
    min: 0,
    repeatable: false,
    status: "removed",
    example: "PARAMETER rope_frequency_base 10000",
    documentation: {
      en: "The RoPE base frequency. Removed: it is read from the model file now, and current Ollama versions reject it.",
      zhCn: "RoPE 基础频率。已移除：现在从模型文件读取，当前版本的 Ollama 会拒绝此参数。",
    },
  },
  {
    name: "rope_frequency_scale",
    type: "float",
    min: 0,
    repeatable: false,
    status: "removed",
    example: "PARAMETER rope_frequency_scale 1.0",
    documentation: {
      en: "The RoPE frequency scaling factor. Removed: it is read from the model file now, and current Ollama versions reject it.",
      zhCn: "RoPE 频率缩放系数。已移除：现在从模型文件读取，当前版本的 Ollama 会拒绝此参数。",
    },
  },
];

const byName: ReadonlyMap<string, ModelfileParameterInfo> = new Map(modelfileParameters.map((info) => [info.name, info]));

/** The entry for a parameter name, exactly as written (Ollama's names are case-sensitive). */
export function findModelfileParameter(name: string): ModelfileParameterInfo | undefined {
  return byName.get(name);
}

/** The names a Modelfile should use today (completion lists, quick fixes). */
export function currentModelfileParameterNames(): string[] {
  return modelfileParameters.filter((info) => info.status === "current").map((info) => info.name);
}

export interface ModelfileInstructionInfo {
  readonly instruction: ModelfileInstruction;
  /** A skeleton of the instruction's use. */
  readonly syntax: string;
  readonly documentation: ModelfileDocumentation;
}

export const modelfileInstructionDocs: readonly ModelfileInstructionInfo[] = [
  {
    instruction: "FROM",
    syntax: "FROM <model name>:<tag> | FROM <path to a .gguf file or a model folder>",
    documentation: {
      en: "Required. Defines the base model: a model name (qwen2.5-coder:1.5b) or a path to a GGUF file or a model folder, absolute or relative to the Modelfile.",
      zhCn: "必需。指定基础模型：模型名称（例如 qwen2.5-coder:1.5b），或 GGUF 文件、模型文件夹的路径（绝对路径，或相对于 Modelfile 的路径）。",
    },
  },
  {
    instruction: "PARAMETER",
    syntax: "PARAMETER <parameter> <value>",
    documentation: {
      en: "Sets a parameter for how the model runs, such as temperature, num_ctx or stop.",
      zhCn: "设置模型运行时的参数，例如 temperature、num_ctx 或 stop。",
    },
  },
  {
    instruction: "TEMPLATE",
    syntax: "TEMPLATE \"\"\"<Go template>\"\"\"",
    documentation: {
      en: "The full prompt template sent to the model, in Go template syntax. It may use variables such as {{ .System }}, {{ .Prompt }}, {{ .Response }} and {{ .Messages }}; the syntax is model specific.",
      zhCn: "发送给模型的完整提示词模板，使用 Go 模板语法。可以使用 {{ .System }}、{{ .Prompt }}、{{ .Response }} 和 {{ .Messages }} 等变量；具体格式因模型而异。",
    },
  },
  {
    instruction: "SYSTEM",
    syntax: "SYSTEM \"\"\"<system message>\"\"\"",
    documentation: {
      en: "Specifies the system message to be used in the template, if applicable.",
      zhCn: "指定模板中使用的系统消息（如果模板支持）。",
    },
  },
  {
    instruction: "ADAPTER",
    syntax: "ADAPTER <path to a LoRA adapter>",
    documentation: {
      en: "Applies a (Q)LoRA adapter to the base model: a GGUF adapter file (or a Safetensors adapter folder), absolute or relative to the Modelfile. The adapter must have been tuned from the base model, otherwise the behaviour is undefined.",
      zhCn: "为基础模型应用 (Q)LoRA 适配器：GGUF 适配器文件（或 Safetensors 适配器文件夹），使用绝对路径或相对于 Modelfile 的路径。适配器必须基于该基础模型微调，否则行为不可预测。",
    },
  },
  {
    instruction: "LICENSE",
    syntax: "LICENSE \"\"\"<license text>\"\"\"",
    documentation: {
      en: "Specifies the legal license under which the model is shared or distributed. May be given more than once.",
      zhCn: "指定模型共享或分发所依据的法律许可证。可以出现多次。",
    },
  },
  {
    instruction: "MESSAGE",
    syntax: "MESSAGE <role> <message>",
    documentation: {
      en: "Adds a message to the history the model starts from, to show it how to answer. The role is system, user or assistant.",
      zhCn: "在模型开始对话时的历史记录中加入一条消息，用来示范应如何回答。角色为 system、user 或 assistant。",
    },
  },
  {
    instruction: "REQUIRES",
    syntax: "REQUIRES <version>",
    documentation: {
      en: "The oldest Ollama version this model works with, as a semantic version (for example 0.14.0). Hearth runs the Modelfiles of Ollama 0.14.0 and refuses a later REQUIRES.",
      zhCn: "该模型可用的最低 Ollama 版本，使用语义化版本号（例如 0.14.0）。Hearth 支持 Ollama 0.14.0 的 Modelfile，会拒绝要求更高版本的 REQUIRES。",
    },
  },
  {
    instruction: "DRAFT",
    syntax: "DRAFT <path to a draft model> | DRAFT <installed model name>",
    documentation: {
      en: "A smaller draft model for speculative decoding, as a path to its file (or, in Hearth, an installed model's name); it must not be the same file as FROM and must use the same tokenizer. It drafts tokens that the model then checks, which can make answers faster without changing them.",
      zhCn: "用于推测解码的较小草稿模型，填写其文件路径（在 Hearth 中也可以填写已安装模型的名称）；不能与 FROM 指向同一个文件，且必须使用相同的分词器。草稿模型预先生成 token，再由主模型校验，可在不改变回答的前提下加快生成。",
    },
  },
  {
    instruction: "RENDERER",
    syntax: "RENDERER <renderer name>",
    documentation: {
      en: "The name of a built-in prompt renderer that replaces TEMPLATE for models Ollama formats in code. Hearth prompts such a model with its own chat template (from the GGUF file), which these renderers reproduce.",
      zhCn: "内置提示词渲染器的名称，用于由 Ollama 以代码方式格式化提示词的模型，代替 TEMPLATE。Hearth 会用模型自带的聊天模板（来自 GGUF 文件）为这类模型构造提示词，这些渲染器实现的正是该模板。",
    },
  },
  {
    instruction: "PARSER",
    syntax: "PARSER <parser name>",
    documentation: {
      en: "The name of a built-in output parser that reads the model's answer (thinking and tool calls) for models Ollama handles in code. Hearth records it and shows the answer as the model writes it.",
      zhCn: "内置输出解析器的名称，用于解析模型回答中的思考过程和工具调用，适用于由 Ollama 以代码方式处理的模型。Hearth 会记录该名称，并按模型输出的原样显示回答。",
    },
  },
];

export function findModelfileInstructionDoc(instruction: ModelfileInstruction): ModelfileInstructionInfo | undefined {
  return modelfileInstructionDocs.find((info) => info.instruction === instruction);
}

/**
 * The names of Ollama's built-in prompt renderers (model/renderers), for RENDERER. Hearth has none
 * of them: a profile that names one is prompted with the model's own chat template (the GGUF's),
 * which is what these renderers reproduce in code.
 */
export const ollamaRendererNames: readonly string[] = [
  "cogito",
  "cohere",
  "deepseek3.1",
  "functiongemma",
  "gemma4",
  "gemma4-large",
  "gemma4-small",
  "glimmer",
  "glm-4.7",
  "glm-ocr",
  "harmony",
  "laguna",
  "lfm2",
  "lfm2-thinking",
  "nemotron-3-nano",
  "nemotron-3.5-nano",
  "olmo3",
  "olmo3.1",
  "olmo3-32b-think",
  "olmo3-think",
  "ornith",
  "poolside-v1",
  "qwen3-coder",
  "qwen3-vl-instruct",
  "qwen3-vl-thinking",
  "qwen3.5",
  "qwen3.8",
];

/**
 * The names of Ollama's built-in output parsers (model/parsers), for PARSER. Hearth records the
 * name and shows answers as the model writes them (thinking and tool calls included).
 */
export const ollamaParserNames: readonly string[] = [
  "cogito",
  "deepseek3",
  "functiongemma",
  "gemma4",
  "glm-4.7",
  "glm-ocr",
  "harmony",
  "lfm2",
  "lfm2-thinking",
  "ministral",
  "nemotron-3-nano",
  "olmo3",
  "olmo3-think",
  "passthrough",
  "qwen3",
  "qwen3-coder",
  "qwen3-thinking",
  "qwen3-vl-instruct",
  "qwen3-vl-thinking",
  "qwen3.5",
];
