// The text of a PDF, page by page, through pdfjs-dist's legacy Node build. pdfjs is one bundle,
// dist/pdfjs.js (pdfjsModules.ts), shared by the engine and the CLI and required on the first PDF,
// so it costs nothing until then: its worker runs in this thread ("fake worker", handed over as
// globalThis.pdfjsWorker), and the canvas pieces it would like for rendering are stubbed, since
// only text is read. Its load-time warnings about those missing pieces are swallowed.

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type PdfJsModules = typeof import("./pdfjsModules");

let pdfjsPromise: Promise<PdfJs> | null = null;

function loadPdfJs(): Promise<PdfJs> {
  if (!pdfjsPromise) {
    pdfjsPromise = (async () => {
      const globals = globalThis as Record<string, unknown>;
      for (const name of ["DOMMatrix", "ImageData", "Path2D"]) {
        if (globals[name] === undefined) globals[name] = class {};
      }
      const { log, warn } = console;
      console.log = (): void => undefined;
      console.warn = (): void => undefined;
      try {
        const { pdfjs, pdfjsWorker } = require("./pdfjsModules") as PdfJsModules;
        globals.pdfjsWorker = pdfjsWorker;
        return pdfjs;
      } finally {
        console.log = log;
        console.warn = warn;
      }
    })();
  }
  return pdfjsPromise;
}

interface TextItemLike {
  str?: unknown;
  hasEOL?: unknown;
}

/** One string per page (page 1 first); lines end where the PDF's text items end a line. */
export async function pdfPages(bytes: Uint8Array, signal?: AbortSignal): Promise<string[]> {
  const pdfjs = await loadPdfJs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const onAbort = (): void => void task.destroy();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const document = await task.promise;
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      if (signal?.aborted) throw signal.reason;
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items as TextItemLike[]) {
        if (typeof item.str === "string") text += item.str;
        if (item.hasEOL === true) text += "\n";
      }
      pages.push(text.replace(/[ \t]+\n/g, "\n").trim());
      page.cleanup();
    }
    return pages;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await task.destroy().catch(() => undefined);
  }
}
