// pdfjs-dist's legacy Node build, the library and its worker, as one module. esbuild makes it its
// own bundle, dist/pdfjs.js, which the engine and the CLI share and require only when the first
// PDF is read (see pdfText.ts, which sets up the globals pdfjs expects before requiring it).
export * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
export * as pdfjsWorker from "pdfjs-dist/legacy/build/pdf.worker.mjs";
