// Who answers when a remote engine is set, as users see it: "model @ host:port".

/** "model @ host:port": the server without scheme, credentials or a trailing path like /v1. */
export function remoteLabel(model: string, url: string): string {
  try {
    return `${model} @ ${new URL(url).host}`;
  } catch {
    return `${model} @ ${url.replace(/^https?:\/\//, "")}`;
  }
}
