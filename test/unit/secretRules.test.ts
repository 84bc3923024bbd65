// The secret rules every reader shares (index, chat attachments, review): credential files by
// folder, name and tool path, and secrets by content under any name, with few false positives.
import * as assert from "node:assert/strict";
import { findSecret, secretByPath, secretInContent, secretMatchText } from "../../src/common/index/secretRules";
import { fakePrivateKey, fakePuttyKey, fakeTokens } from "../support/fakeSecrets";

describe("secret rules", () => {
  it("names the credential files secret scanners list (issue 14: the ones the old rules missed)", () => {
    for (const secret of [
      ".envrc", "app/.envrc", ".my.cnf", ".mylogin.cnf", ".pgpass", ".s3cfg", ".vault-token", ".netrc", "_netrc", ".git-credentials",
      "id_rsa", "id_dsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_ed25519_github", "id_xmss", "keys/deploy_rsa",
      "github_ed25519", "ssh_host_ed25519_key", ".docker/config.json", "home/.kube/config", "kubeconfig", ".config/gh/hosts.yml",
      "gh/hosts.yml", "store.p12", "store.pfx", "release.jks", "upload.keystore", "bundle.pkcs12", "client.ovpn", "vault.kdbx",
      ".terraform/terraform.tfstate", "infra/prod.tfstate", "prod.tfstate.backup", "secrets.auto.tfvars", ".terraformrc",
      "service-account.json", "service-account-prod.json", "my-serviceaccount.json", "application_default_credentials.json",
      ".config/gcloud/credentials.db", ".cargo/credentials.toml", ".m2/settings-security.xml", ".bash_history", ".psql_history",
      "config/master.key", "sftp-config.json", "proftpdpasswd", ".htpasswd",
    ]) {
      assert.ok(secretByPath(secret), `${secret} should be a secret`);
    }
    assert.deepEqual(secretByPath("x/.ssh/id_rsa"), { rule: "folder", folder: ".ssh/" });
    assert.deepEqual(secretByPath("deploy/.ENVRC"), { rule: "name", name: ".ENVRC" });
    assert.deepEqual(secretByPath("me/.config/gh/config.yml"), { rule: "path", path: ".config/gh" });
    assert.deepEqual(secretByPath("tools/gh/hosts.yml"), { rule: "path", path: "gh/hosts.yml" });
    // A folder is checked as the walker checks it: its path with a child.
    assert.ok(secretByPath(".terraform/x"));
    assert.ok(secretByPath(".config/gcloud/x"));
  });

  it("leaves ordinary code and documents alone", () => {
    for (const plain of [
      "src/env.ts", "environment.md", "keyboard.ts", "src/keys.ts", "docs/ssh.md", "package.json", "README.md",
      "src/internal/ws-credentials.ts", "settings.py", "config/database.yml", "docs/docker/config.md", "gh/README.md", "kube/config.ts",
      "src/terraform/plan.ts", "src/history.ts", "src/rsa.ts", "docs/putty.md", "src/serviceAccount.ts",
    ]) {
      assert.equal(secretByPath(plain), null, `${plain} is not a secret`);
    }
  });

  it("finds private keys and well-known tokens in any text, also inside JSON strings", () => {
    const cases: Array<[string, string]> = [
      [fakePrivateKey("RSA"), "privateKey"],
      [fakePrivateKey(""), "privateKey"],
      [fakePrivateKey("OPENSSH"), "privateKey"],
      [`{"type": "service_account", "private_key": ${JSON.stringify(fakePrivateKey(""))}}`, "privateKey"],
      [fakePuttyKey(), "puttyKey"],
      [`aws_access_key_id = ${fakeTokens.aws()}\n`, "awsAccessKey"],
      [`const token = "${fakeTokens.github()}";`, "githubToken"],
      [`GH_TOKEN=${fakeTokens.githubFineGrained()}`, "githubToken"],
      [`slack: ${fakeTokens.slack()}`, "slackToken"],
      [`key: "${fakeTokens.google()}"`, "googleApiKey"],
      [`Stripe.apiKey = "${fakeTokens.stripe()}";`, "stripeKey"],
      [`OPENAI_API_KEY=${fakeTokens.openai()}`, "openaiKey"],
    ];
    for (const [text, token] of cases) {
      assert.deepEqual(secretInContent(`# notes\n${text}\nmore text\n`), { rule: "content", token }, text);
    }
  });

  it("does not take code that handles keys, docs' examples or placeholders for secrets", () => {
    const header = `${"-".repeat(5)}BEGIN PRIVATE KEY${"-".repeat(5)}`;
    for (const plain of [
      `if (pem.startsWith("${header}")) return parsePkcs8(pem);`,
      `const header = "${header}\\n";\nconst footer = "...";`,
      `aws_access_key_id = AKIA${"IOSFODNN7"}EXAMPLE`,
      `token: gh${"p"}_${"x".repeat(36)}`,
      `key = AKIA${"X".repeat(16)}`,
      "export const skLive = 'sk_live_';",
      "const model = 'sk-proj-'; // prefix only",
      "PuTTY-User-Key-File-3 files are read by putty.ts",
      "function ghp_helper() { return 'AIza'; }",
    ]) {
      assert.equal(secretInContent(plain), null, plain);
    }
    const source = `${"export const x = 1;\n".repeat(20_000)}`;
    const started = performance.now();
    assert.equal(secretInContent(source), null);
    assert.ok(performance.now() - started < 500, "a 400 kB file is scanned quickly");
  });

  it("checks the name first, then the content, and says which rule matched", () => {
    assert.equal(findSecret("notes.txt", "hello"), null);
    assert.deepEqual(findSecret("notes.txt", fakePrivateKey()), { rule: "content", token: "privateKey" });
    assert.deepEqual(findSecret(".env", null), { rule: "name", name: ".env" });
    assert.equal(secretMatchText({ rule: "content", token: "awsAccessKey" }), "it contains an AWS access key ID");
    assert.equal(secretMatchText({ rule: "folder", folder: ".ssh/" }), "it is inside .ssh/, a folder that holds credentials");
    assert.equal(secretMatchText({ rule: "name", name: "id_rsa" }), "its name, id_rsa, is that of a file that holds keys or credentials");
  });
});
