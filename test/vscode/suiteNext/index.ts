// The mocha runner of the newer-VS Code tier (test/vscode/runInCodeServerNext.mjs): the same runner
// as the 1.100 tier's, bundled on its own into out/test/vscode/suiteNext/index.js, so it runs the
// *.test.js files beside it there.
export { run } from "../suite/index";
