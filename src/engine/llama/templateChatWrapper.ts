// A node-llama-cpp chat wrapper that formats the prompt with a profile's TEMPLATE (Ollama's Go
// template syntax, see common/modelfile/goTemplateSyntax.ts): every time node-llama-cpp needs the context, the
// whole history goes through the template, as Ollama renders it for each request.
//
// Tokens: Ollama (and llama-server) tokenize the rendered prompt in one piece, special tokens
// parsed, BOS added as the model's tokenizer asks. So does this wrapper, which makes the tokens
// the model sees the same as under Ollama (tokenizing the template's text and the messages
// apart would, for SentencePiece vocabularies, put a space at every seam). The one exception:
// when a message itself contains a special token's text (a user pasting `<|im_end|>`), the
// messages are kept as plain text, so what someone wrote never turns into control tokens (only
// the template's pieces that hold special tokens are then read for them, apart).
//
// node-llama-cpp is ESM-only and loaded at run time, so the class is made from the loaded module
// rather than imported.
import type {
  ChatHistoryItem,
  ChatWrapper,
  ChatWrapperGenerateContextStateOptions,
  ChatWrapperGeneratedContextState,
  LlamaText,
  Tokenizer,
} from "node-llama-cpp";
import { EngineError } from "../../common/engine/engineError";
import type { TemplateMessage } from "../../common/modelfile/goTemplate";
import type { GoTemplate } from "../../common/modelfile/goTemplateSyntax";
import { renderOllamaPrompt } from "../../common/modelfile/goTemplate";
import { localize } from "../../common/localize";

type NodeLlamaCpp = typeof import("node-llama-cpp");

export interface TemplateChatWrapperOptions {
  /** The parsed TEMPLATE; it must have parsed without errors. */
  readonly template: GoTemplate;
  /** Texts that end an answer (the profile's stop sequences), matched as special tokens and as text. */
  readonly stops: readonly string[];
  /** Start the prompt with the BOS token (the model's tokenizer asks for it), unless the template writes it itself. */
  readonly prependBos: boolean;
  /** The BOS token's text (`<s>`), to tell whether the template already starts with it. */
  readonly bosText: string | null;
  /** The model's name, for error messages. */
  readonly modelName: string;
  /** The model's tokenizer, to tell whether a message contains special-token text. */
  readonly tokenizer: Tokenizer;
}

/** Messages whose special-token check is remembered (a conversation is rendered again every turn). */
const checkedTextsLimit = 512;

export const templateChatWrapperName = "Ollama TEMPLATE";

/** The messages a chat history holds, as a template sees them; the empty answer being generated is left out. */
export function templateMessages(lib: NodeLlamaCpp, history: readonly ChatHistoryItem[]): TemplateMessage[] {
  const messages: TemplateMessage[] = [];
  history.forEach((item, index) => {
    if (item.type === "system") {
      messages.push({ role: "system", content: typeof item.text === "string" ? item.text : lib.LlamaText.fromJSON(item.text).toString() });
    } else if (item.type === "user") {
      messages.push({ role: "user", content: item.text });
    } else {
      const content = item.response
        .map((part) => (typeof part === "string" ? part : part.type === "segment" && part.segmentType !== "thought" ? part.text : ""))
        .join("");
      // The last item is the answer node-llama-cpp is about to generate: empty, or begun (a continuation).
      if (index === history.length - 1 && content === "") return;
      messages.push({ role: "assistant", content });
    }
  });
  return messages;
}

/** A chat wrapper that renders the whole history through `options.template`. */
export function createTemplateChatWrapper(lib: NodeLlamaCpp, options: TemplateChatWrapperOptions): ChatWrapper {
  const stopTriggers: LlamaText[] = [lib.LlamaText(new lib.SpecialToken("EOS"))];
  for (const stop of options.stops) {
    if (stop === "") continue;
    stopTriggers.push(lib.LlamaText(new lib.SpecialTokensText(stop)), lib.LlamaText(stop));
  }

  const checked = new Map<string, boolean>();
  /** Whether reading special tokens in `text` would turn some of it into control tokens. */
  const holdsSpecialTokens = (text: string): boolean => {
    let result = checked.get(text);
    if (result === undefined) {
      const parsed = options.tokenizer(text, true);
      const plain = options.tokenizer(text, false);
      result = parsed.length !== plain.length || parsed.some((token, index) => token !== plain[index]);
      if (checked.size >= checkedTextsLimit) checked.delete(checked.keys().next().value as string);
      checked.set(text, result);
    }
    return result;
  };

  class OllamaTemplateChatWrapper extends lib.ChatWrapper {
    override readonly wrapperName = templateChatWrapperName;

    override generateContextState({ chatHistory }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
      const rendered = renderOllamaPrompt(options.template, templateMessages(lib, chatHistory));
      if (rendered.error) {
        throw new EngineError(
          "badRequest",
          localize(
            "The TEMPLATE of {0} could not format this conversation: {1} Fix the TEMPLATE in its Modelfile (Show Modelfile), create the model again, and retry.",
            options.modelName,
            rendered.error.message,
          ),
          rendered.error.message,
        );
      }
      const startsWithBos = options.bosText !== null && options.bosText !== "" && rendered.text.startsWith(options.bosText);
      const asWritten = rendered.segments.every((segment) => segment.literal || !holdsSpecialTokens(segment.text));
      const values = asWritten
        ? [new lib.SpecialTokensText(rendered.text)]
        : rendered.segments.map((segment) => (segment.literal && holdsSpecialTokens(segment.text) ? new lib.SpecialTokensText(segment.text) : segment.text));
      return {
        contextText: lib.LlamaText([...(options.prependBos && !startsWithBos ? [new lib.SpecialToken("BOS")] : []), ...values]),
        stopGenerationTriggers: stopTriggers,
      };
    }
  }

  return new OllamaTemplateChatWrapper();
}
