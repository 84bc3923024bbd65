// Secrets of the shapes Hearth's secret rules look for (common/index/secretRules.ts), made at run
// time from random characters: no real key, and no literal token in the repository for a scanner
// (or Hearth itself, reviewing this repository) to trip over.

const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const alnum = `${upper}abcdefghijklmnopqrstuvwxyz0123456789`;
const base64 = `${alnum}+/`;

function random(alphabet: string, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(Math.random() * alphabet.length)];
  return text;
}

const dashes = "-".repeat(5);

/** A PEM private-key block (random base64 body). `kind` as in "RSA", "EC", "OPENSSH", or "" for PKCS#8. */
export function fakePrivateKey(kind = "RSA"): string {
  const label = `${kind ? `${kind} ` : ""}PRIVATE KEY`;
  const body = Array.from({ length: 6 }, () => random(base64, 64)).join("\n");
  return `${dashes}BEGIN ${label}${dashes}\n${body}\n${dashes}END ${label}${dashes}\n`;
}

/** A PuTTY key file. */
export function fakePuttyKey(): string {
  return [
    `PuTTY-User-Key-File-3: ssh-ed25519`,
    "Encryption: none",
    "Comment: test",
    "Public-Lines: 2",
    random(base64, 64),
    random(base64, 20),
    "Private-Lines: 1",
    random(base64, 44),
    `Private-MAC: ${random("0123456789abcdef", 64)}`,
    "",
  ].join("\n");
}

export const fakeTokens = {
  aws: (): string => `AKIA${random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
  github: (): string => `gh${"p"}_${random(alnum, 36)}`,
  githubFineGrained: (): string => `github_${"pat"}_${random(alnum, 22)}_${random(alnum, 59)}`,
  slack: (): string => `xox${"b"}-${random("0123456789", 12)}-${random("0123456789", 13)}-${random(alnum, 24)}`,
  google: (): string => `AI${"za"}${random(alnum, 35)}`,
  stripe: (): string => `sk_${"live"}_${random(alnum, 24)}`,
  openai: (): string => `sk-${"proj"}-${random(alnum, 58)}T3Blbk${"FJ"}${random(alnum, 58)}`,
};
