// What Hearth never reads into an index, a chat attachment or a review: secrets, by where they are
// (credential folders, file names, tools' credential paths) and by what they hold (private-key
// blocks, well-known token shapes). One implementation for every reader: the workspace indexer,
// `#file`/`#folder` and the other chat attachments, and reviews (CLI and VS Code).
//
// Where the lists come from (information only, no code copied):
// - file and folder names: Gitrob's signatures (michenriksen/gitrob, core/signatures.go: SSH key
//   names `*_rsa`/`*_dsa`/`*_ecdsa`/`*_ed25519`, `.pgpass`, `.s3cfg`, `.netrc`, `.htpasswd`,
//   `proftpdpasswd`, shell and database client histories, `sftp-config.json`, `.ovpn`, `.jks`,
//   `.p12`/`.pfx`/`.pkcs12`, password-manager databases, `terraform.tfvars`…), the credential files
//   gitleaks and GitHub's sensitive-file lists name (`.git-credentials`, `.docker/config.json`,
//   `.kube/config`, `*.tfstate`, `service-account*.json`), OpenSSH's own key names (ssh-keygen(1):
//   `id_rsa`, `id_ecdsa`, `id_ecdsa_sk`, `id_ed25519`, `id_ed25519_sk`, `id_dsa`, `id_xmss`), and the
//   tools' documented credential paths (direnv `.envrc`, MySQL `.my.cnf`/`.mylogin.cnf`, Vault
//   `.vault-token`, GitHub CLI `gh/hosts.yml`, gcloud's `application_default_credentials.json`,
//   Terraform's `.terraform/` and `.terraformrc`, Rails `master.key`).
//   Left out on purpose: Gitrob's broad guesses that are mostly ordinary code (`settings.py`,
//   `database.yml`, `*.log`, `.bashrc`), which a user expects to ask about.
// - content: gitleaks' rules (gitleaks/gitleaks, cmd/generate/config/rules: private-key,
//   aws-access-token, github-pat/-oauth/-app-token/-fine-grained-pat, gitlab-pat, slack tokens and
//   webhooks, gcp-api-key, stripe, openai-api-key, anthropic, huggingface, npm, pypi, age), and
//   PuTTY's key file header. Only shapes with a fixed, specific prefix are used, and placeholders
//   (`AKIA…EXAMPLE`, `ghp_xxxx…`) are not taken for secrets, to keep false positives low; JWTs and
//   "password = …" guesses are left out for that reason.
//
// Pure: callers read the files and pass paths (relative, `/`-separated) and text.
import { localize } from "../localize";

/**
 * Bump when the rules change: an index built under older rules reads every file again once, so a
 * secret it holds under rules that missed it leaves the index.
 */
export const secretRulesVersion = 2;

/** Why something is a secret: where it lives, its name, a tool's credential path, or what it holds. */
export type SecretMatch =
  | { rule: "folder"; folder: string }
  | { rule: "name"; name: string }
  | { rule: "path"; path: string }
  | { rule: "content"; token: SecretToken };

export type SecretToken =
  | "privateKey"
  | "puttyKey"
  | "awsAccessKey"
  | "githubToken"
  | "gitlabToken"
  | "slackToken"
  | "slackWebhook"
  | "googleApiKey"
  | "stripeKey"
  | "openaiKey"
  | "anthropicKey"
  | "huggingFaceToken"
  | "npmToken"
  | "pypiToken"
  | "ageKey";

/** Folders whose whole content is credentials (compared lower-case). */
const secretFolders = new Set([
  ".aws",
  ".ssh",
  ".gnupg",
  ".azure",
  ".kube",
  ".docker",
  ".gcloud",
  ".terraform",
  ".password-store",
]);

/** Exact file names (lower-case) that hold credentials. */
const secretNames = new Set([
  // Package registries and VCS hosts.
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".pypirc",
  ".gem-credentials",
  ".netrc",
  "_netrc",
  ".git-credentials",
  ".gitcredentials",
  ".dockercfg",
  ".boto",
  ".s3cfg",
  ".vault-token",
  ".terraformrc",
  "terraform.rc",
  ".envrc",
  ".flaskenv",
  // Databases and servers.
  ".pgpass",
  ".my.cnf",
  ".mylogin.cnf",
  ".htpasswd",
  "proftpdpasswd",
  "sftp-config.json",
  "filezilla.xml",
  "recentservers.xml",
  "sitemanager.xml",
  "robomongo.json",
  "dbeaver-data-sources.xml",
  "credentials-config.json",
  ".muttrc",
  ".esmtprc",
  ".tugboat",
  ".trc",
  // Shell and client histories (typed passwords and tokens end up there).
  ".bash_history",
  ".zsh_history",
  ".sh_history",
  ".mysql_history",
  ".psql_history",
  ".irb_history",
  ".python_history",
  ".node_repl_history",
  ".rediscli_history",
  ".sqlite_history",
  // Keys and credential stores.
  "credentials",
  "credentials.json",
  "credentials.xml",
  "credentials.yml",
  "credentials.yaml",
  "secrets.json",
  "secrets.yml",
  "secrets.yaml",
  "secrets.toml",
  "service-account.json",
  "application_default_credentials.json",
  "access_tokens.db",
  "credentials.db",
  "known_hosts",
  "authorized_keys",
  "kubeconfig",
  "otr.private_key",
  "master.key",
  "secret_token.rb",
  "jenkins.plugins.publish_over_ssh.bapsshpublisherplugin.xml",
]);

/** File name patterns (lower-case) that hold keys, certificates or credentials. */
const secretPatterns: readonly RegExp[] = [
  /^\.env(\..*)?$/, // .env, .env.local, .env.production…
  /\.env$/, // production.env
  // OpenSSH keys by ssh-keygen's names, security-key (`_sk`) variants, renamed copies and `.pub`s.
  /^id_(rsa|dsa|ecdsa|ed25519|xmss)([._-].*)?$/,
  /^.+_(rsa|dsa|ecdsa|ed25519)(_sk)?$/, // deploy_rsa, github_ed25519
  /^ssh_host_.*_key(\.pub)?$/, // a server's host keys
  /\.(pem|key|p12|pfx|pkcs12|jks|keystore|bks|crt|cer|der|csr|p8|ppk|asc|gpg|kdbx|kdb|psafe3|agilekeychain|keychain|kwallet|ovpn|tblk|bek|tpm|fve|tfstate|tfvars)$/,
  /\.tfstate\.backup$/,
  /\.tfvars\.json$/,
  // aws.credentials, gcp-credentials.json, db_credentials.yaml — but not code such as
  // ws-credentials.ts, which SDKs use for the code that handles credentials.
  /^.*[._-]credentials?(\.(json|ya?ml|xml|toml|ini|cfg|conf|txt|csv|properties|env))?$/,
  /^.*accesskeys\.csv$/, // AWS console downloads: name_accessKeys.csv
  /^.*service[-_]?account.*\.json$/,
];

/** Tools' credential files known by their path (lower-case, `/`-separated), not their name alone. */
const secretPaths: readonly RegExp[] = [
  /(^|\/)gh\/hosts\.ya?ml$/, // GitHub CLI
  /(^|\/)\.config\/(gh|hub|gcloud|doctl|op|helm)\//, // GitHub CLI, hub, gcloud, DigitalOcean, 1Password, Helm registries
  /(^|\/)\.config\/hub$/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.composer\/auth\.json$/,
  /(^|\/)\.cargo\/credentials(\.toml)?$/,
  /(^|\/)\.gem\/credentials$/,
  /(^|\/)\.m2\/settings(-security)?\.xml$/, // Maven server passwords
  /(^|\/)\.gradle\/gradle\.properties$/, // Gradle's per-user signing and publishing secrets
  /(^|\/)\.purple\/accounts\.xml$/,
  /(^|\/)\.irssi\/config$/,
  /(^|\/)\.?xchat2?\/servlist_?\.conf$/,
  /(^|\/)\.recon-ng\/keys\.db$/,
  /(^|\/)\.ssh\/config$/,
];

/** Why `relativePath` (`/`-separated) is a secret by where it is or what it is named; null when it is not. */
export function secretByPath(relativePath: string): SecretMatch | null {
  const parts = relativePath.replace(/\\/g, "/").split("/").filter((part) => part.length > 0);
  for (const folder of parts.slice(0, -1)) {
    if (secretFolders.has(folder.toLowerCase())) return { rule: "folder", folder: `${folder}/` };
  }
  const original = parts.at(-1) ?? "";
  const name = original.toLowerCase();
  if (secretNames.has(name) || secretPatterns.some((pattern) => pattern.test(name))) return { rule: "name", name: original };
  const lower = parts.join("/").toLowerCase();
  for (const pattern of secretPaths) {
    const found = pattern.exec(lower);
    if (found) return { rule: "path", path: parts.join("/").slice(found.index + (found[0].startsWith("/") ? 1 : 0), found.index + found[0].length).replace(/\/$/, "") };
  }
  return null;
}

/** How many different characters `text` has: placeholders (`xxxx`, `0000`, `EXAMPLE`) have few. */
function variety(text: string): number {
  return new Set(text).size;
}

interface TokenShape {
  token: SecretToken;
  pattern: RegExp;
  /** The random part (the whole match when absent) must look random, not like a placeholder. */
  random?: (match: RegExpExecArray) => string;
}

// Each shape starts with a fixed, specific prefix; bounded quantifiers only, so a scan stays linear.
const separator = String.raw`(?:\s|\\[rn])+`;
const tokenShapes: readonly TokenShape[] = [
  {
    token: "privateKey",
    // A PEM/OpenSSH/PGP private-key header followed by key material (optionally header lines such as
    // Proc-Type or Version first), also inside a JSON string with `\n` escapes. A header alone, as
    // in code that parses keys, is not a key.
    pattern: new RegExp(
      String.raw`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----${separator}(?:[A-Za-z][A-Za-z-]{0,40}:[^\r\n\\]{0,200}${separator}){0,4}([A-Za-z0-9+/=]{40,})`,
    ),
    random: (match) => match[1]!,
  },
  { token: "puttyKey", pattern: /^PuTTY-User-Key-File-\d+: \S+\r?\n[\s\S]{0,4000}?^Private-Lines: \d+/m },
  {
    token: "awsAccessKey",
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)([A-Z0-9]{16})(?![A-Za-z0-9])/,
    random: (match) => (match[1]!.endsWith("EXAMPLE") ? "" : match[1]!),
  },
  { token: "githubToken", pattern: /(?<![A-Za-z0-9_])gh[pousr]_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/, random: (match) => match[1]! },
  { token: "githubToken", pattern: /(?<![A-Za-z0-9_])github_pat_([A-Za-z0-9_]{82})(?![A-Za-z0-9_])/, random: (match) => match[1]! },
  { token: "gitlabToken", pattern: /(?<![A-Za-z0-9_-])glpat-([A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/, random: (match) => match[1]! },
  { token: "slackToken", pattern: /(?<![A-Za-z0-9-])xox[abposre]-([0-9]{8,13}-[A-Za-z0-9-]{8,})/, random: (match) => match[1]! },
  { token: "slackToken", pattern: /(?<![A-Za-z0-9-])xapp-\d-([A-Z0-9]{8,}-\d{8,}-[a-z0-9]{32,})/, random: (match) => match[1]! },
  { token: "slackWebhook", pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/(T[A-Z0-9]{6,}\/[A-Z0-9]{6,}\/[A-Za-z0-9]{16,})/, random: (match) => match[1]! },
  { token: "googleApiKey", pattern: /(?<![A-Za-z0-9_-])AIza([0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/, random: (match) => match[1]! },
  { token: "stripeKey", pattern: /(?<![A-Za-z0-9_])[sr]k_live_([A-Za-z0-9]{20,99})(?![A-Za-z0-9_])/, random: (match) => match[1]! },
  {
    token: "openaiKey",
    pattern: /(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,160}|[A-Za-z0-9]{20})T3BlbkFJ([A-Za-z0-9_-]{20,160})/,
    random: (match) => match[1]!,
  },
  { token: "openaiKey", pattern: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-([A-Za-z0-9_-]{80,300})(?![A-Za-z0-9_-])/, random: (match) => match[1]! },
  { token: "anthropicKey", pattern: /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin)\d\d-([A-Za-z0-9_-]{80,120})/, random: (match) => match[1]! },
  { token: "huggingFaceToken", pattern: /(?<![A-Za-z0-9_])hf_([A-Za-z]{34})(?![A-Za-z0-9_])/, random: (match) => match[1]! },
  { token: "npmToken", pattern: /(?<![A-Za-z0-9_])npm_([A-Za-z0-9]{36})(?![A-Za-z0-9_])/, random: (match) => match[1]! },
  { token: "pypiToken", pattern: /pypi-AgEIcHlwaS5vcmc([A-Za-z0-9_-]{50,})/, random: (match) => match[1]! },
  { token: "ageKey", pattern: /AGE-SECRET-KEY-1([QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})/, random: (match) => match[1]! },
];

/** A token's random part looks random, not like a placeholder: enough different characters. */
function looksRandom(random: string): boolean {
  return random.length > 0 && variety(random) >= Math.min(10, Math.ceil(random.length / 2));
}

/** What secret `text` holds (a private key, a token of a well-known shape), or null. */
export function secretInContent(text: string): SecretMatch | null {
  for (const shape of tokenShapes) {
    const pattern = new RegExp(shape.pattern.source, shape.pattern.flags.includes("g") ? shape.pattern.flags : `${shape.pattern.flags}g`);
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const random = shape.random ? shape.random(match) : match[0];
      if (looksRandom(random)) return { rule: "content", token: shape.token };
      if (match[0].length === 0) pattern.lastIndex++;
    }
  }
  return null;
}

/** Why a file is a secret by its path or, when `text` is given, by what it holds; null when it is not. */
export function findSecret(relativePath: string, text: string | null): SecretMatch | null {
  return secretByPath(relativePath) ?? (text === null ? null : secretInContent(text));
}

/** What a secret token is, for the user. */
function tokenText(token: SecretToken): string {
  switch (token) {
    case "privateKey":
      return localize("a private key");
    case "puttyKey":
      return localize("a PuTTY private key");
    case "awsAccessKey":
      return localize("an AWS access key ID");
    case "githubToken":
      return localize("a GitHub token");
    case "gitlabToken":
      return localize("a GitLab token");
    case "slackToken":
      return localize("a Slack token");
    case "slackWebhook":
      return localize("a Slack webhook URL");
    case "googleApiKey":
      return localize("a Google API key");
    case "stripeKey":
      return localize("a Stripe live key");
    case "openaiKey":
      return localize("an OpenAI API key");
    case "anthropicKey":
      return localize("an Anthropic API key");
    case "huggingFaceToken":
      return localize("a Hugging Face token");
    case "npmToken":
      return localize("an npm token");
    case "pypiToken":
      return localize("a PyPI token");
    case "ageKey":
      return localize("an age secret key");
  }
}

/** Which rule matched, in words that finish "…was left out because …". */
export function secretMatchText(match: SecretMatch): string {
  switch (match.rule) {
    case "folder":
      return localize("it is inside {0}, a folder that holds credentials", match.folder);
    case "name":
      return localize("its name, {0}, is that of a file that holds keys or credentials", match.name);
    case "path":
      return localize("{0} is where a tool keeps its credentials", match.path);
    case "content":
      return localize("it contains {0}", tokenText(match.token));
  }
}
