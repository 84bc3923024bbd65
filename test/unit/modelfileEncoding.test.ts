// A Modelfile's bytes decoded as Ollama decodes them: byte order marks for UTF-8, UTF-16LE and
// UTF-16BE (dropped), UTF-8 otherwise, U+FFFD for what does not decode, and the bytes that are no
// Modelfile at all (a GGUF, UTF-16 without a mark) recognised for the message.
import * as assert from "node:assert/strict";
import { decodeModelfileBytes, suspectModelfileMessage } from "../../src/common/modelfile/modelfileEncoding";
import { firstModelfileProblem, parseModelfile } from "../../src/common/modelfile/modelfileParser";

function utf16(text: string, littleEndian: boolean, bom = true): Uint8Array {
  const offset = bom ? 2 : 0;
  const bytes = new Uint8Array(offset + text.length * 2);
  const view = new DataView(bytes.buffer);
  if (bom) view.setUint16(0, 0xfeff, littleEndian);
  for (let k = 0; k < text.length; k++) view.setUint16(offset + 2 * k, text.charCodeAt(k), littleEndian);
  return bytes;
}

describe("Modelfile encodings", () => {
  const modelfile = 'FROM ./model.gguf\r\nSYSTEM """Réponds en français 👋\r\nbrièvement."""\r\nPARAMETER temperature 0.7\r\n';

  it("reads UTF-16 with a byte order mark, little- and big-endian, keeping CRLF as written", () => {
    for (const littleEndian of [true, false]) {
      const decoded = decodeModelfileBytes(utf16(modelfile, littleEndian));
      assert.equal(decoded.encoding, littleEndian ? "utf16le" : "utf16be");
      assert.equal(decoded.text, modelfile);
      assert.equal(decoded.suspect, undefined);
      const parsed = parseModelfile(decoded.text);
      assert.equal(firstModelfileProblem(parsed), undefined);
      assert.equal(parsed.commands[1]!.value, "Réponds en français 👋\r\nbrièvement.");
    }
  });

  it("reads UTF-8 with its byte order mark dropped, and without one", () => {
    const bytes = new TextEncoder().encode(modelfile);
    const marked = decodeModelfileBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]));
    assert.deepEqual(marked, { text: modelfile, encoding: "utf8bom" });
    assert.deepEqual(decodeModelfileBytes(bytes), { text: modelfile, encoding: "utf8" });
    // Only one mark is the mark, as in Go; a second one is text.
    assert.equal(decodeModelfileBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x46])).text, "\uFEFFF");
  });

  it("turns what does not decode into U+FFFD instead of failing", () => {
    assert.equal(decodeModelfileBytes(new Uint8Array([0x46, 0xff, 0x47])).text, "F\uFFFDG");
    // A surrogate without its partner, and an odd byte at the end of UTF-16.
    assert.equal(decodeModelfileBytes(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x42, 0x00, 0x43])).text, "A\uFFFDB\uFFFD");
    assert.equal(decodeModelfileBytes(new Uint8Array([0xfe, 0xff, 0xdc, 0x00])).text, "\uFFFD");
  });

  it("decodes a large UTF-16 file whole", () => {
    const big = `FROM x\nSYSTEM """${"数据 data ".repeat(50_000)}"""\n`;
    const decoded = decodeModelfileBytes(utf16(big, true));
    assert.equal(decoded.text, big);
  });

  it("recognises UTF-16 without a byte order mark and binary files, which Ollama cannot parse either", () => {
    const unmarked = decodeModelfileBytes(utf16("FROM llama3.2\nSYSTEM hi\n", true, false));
    assert.equal(unmarked.suspect, "utf16WithoutBom");
    assert.ok(firstModelfileProblem(parseModelfile(unmarked.text)));
    assert.equal(decodeModelfileBytes(utf16("FROM llama3.2\n", false, false)).suspect, "utf16WithoutBom");
    assert.match(suspectModelfileMessage("utf16WithoutBom", "Modelfile"), /^Modelfile is UTF-16 text without a byte order mark/);

    const gguf = decodeModelfileBytes(new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0, 0, 0, 7, 0]));
    assert.equal(gguf.suspect, "binary");
    assert.ok(firstModelfileProblem(parseModelfile(gguf.text)));
    assert.match(suspectModelfileMessage("binary", "model.gguf"), /^model\.gguf is a binary file/);

    // A stray NUL in a text file: suspect, but Ollama drops it and reads the file, and so does Hearth.
    const stray = decodeModelfileBytes(new TextEncoder().encode("FROM a\u0000b\n"));
    assert.equal(stray.suspect, "binary");
    assert.equal(firstModelfileProblem(parseModelfile(stray.text)), undefined);
    assert.equal(parseModelfile(stray.text).commands[0]!.value, "ab");
  });
});
