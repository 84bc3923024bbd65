// Grammars a generation must follow (GBNF text or a JSON schema), compiled once per model and text
// and kept, most recently used last, up to a few per model.
import type { GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";
import type { GenerationOptions } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { jsonSchemaProblem } from "../requestChecks";

/** Compiled grammars kept per model. */
const grammarCacheSize = 16;

/**
 * The compiled grammar the options ask for (GBNF text or a JSON schema), or undefined. Compiled
 * once per model and text; a grammar llama.cpp cannot parse is a badRequest that leaves
 * nothing behind, so the next request runs as usual.
 */
export async function cachedGrammar(
  llama: Llama,
  grammars: Map<string, LlamaGrammar>,
  options: GenerationOptions | undefined,
): Promise<LlamaGrammar | undefined> {
  if (!options || (options.grammar === undefined && options.jsonSchema === undefined)) return undefined;
  if (options.grammar !== undefined && options.jsonSchema !== undefined) {
    throw new EngineError(
      "badRequest",
      localize("Invalid request: \"{0}\" gives both a grammar and a JSON schema. Give only one of them.", "options"),
    );
  }
  const schemaProblem = options.grammar === undefined ? jsonSchemaProblem(options.jsonSchema) : null;
  if (schemaProblem) throw new EngineError("badRequest", schemaProblem);
  const key = options.grammar !== undefined ? `gbnf:${options.grammar}` : `json:${JSON.stringify(options.jsonSchema)}`;
  const cached = grammars.get(key);
  if (cached) {
    grammars.delete(key);
    grammars.set(key, cached);
    return cached;
  }
  let grammar: LlamaGrammar;
  if (options.grammar !== undefined) {
    if (!/(^|\n)[ \t]*root[ \t]*::=/.test(options.grammar)) {
      throw new EngineError(
        "badRequest",
        localize("The grammar has no \"root\" rule, so llama.cpp does not know where the output starts. Add a rule written root ::= … and send the request again."),
      );
    }
    try {
      grammar = await llama.createGrammar({ grammar: options.grammar });
    } catch (error) {
      throw new EngineError(
        "badRequest",
        localize(
          "llama.cpp could not parse the grammar ({0}). Check its GBNF syntax: each rule is written name ::= …, strings are quoted and closed, and every rule it uses is defined. Fix the grammar and send the request again.",
          errorText(error),
        ),
        errorText(error),
      );
    }
  } else {
    try {
      grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(options.jsonSchema as unknown as GbnfJsonSchema);
    } catch (error) {
      throw new EngineError(
        "badRequest",
        localize("The JSON schema could not be turned into a grammar: {0}. Fix the schema and send the request again.", errorText(error)),
        errorText(error),
      );
    }
  }
  grammars.set(key, grammar);
  if (grammars.size > grammarCacheSize) grammars.delete(grammars.keys().next().value as string);
  return grammar;
}
