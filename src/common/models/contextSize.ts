// The context size a model loads with, decided the same way wherever it is needed: by the engine
// when it loads a model, and by VS Code's model picker (src/extension/languageModels/) before it has.

/** The context size a model loads with when nothing says otherwise: 4096, or less when it was trained on less. */
export const defaultContextCap = 4096;

/** `requested` when set (> 0); else 4096, or the training context when that is smaller. */
export function resolveContextSize(requested: number | undefined, trainContextSize: number | null): number {
  if (requested !== undefined && requested > 0) return Math.floor(requested);
  return trainContextSize !== null && trainContextSize > 0 ? Math.min(defaultContextCap, trainContextSize) : defaultContextCap;
}
