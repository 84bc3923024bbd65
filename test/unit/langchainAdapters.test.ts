// LangChain on Hearth: HearthEmbeddings, HearthVectorStore (and its retriever) over a workspace
// index, and HearthChatModel, composed into a retrieval chain over the fixture models.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HumanMessage, AIMessage, SystemMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import type { DocumentInterface } from "@langchain/core/documents";
import { llamaEmbeddingBackend } from "../../src/engine/index/llamaEmbeddingBackend";
import { WorkspaceIndexes } from "../../src/engine/index/workspaceIndexes";
import { HearthChatModel } from "../../src/engine/langchain/hearthChatModel";
import { HearthEmbeddings } from "../../src/engine/langchain/hearthEmbeddings";
import { HearthVectorStore } from "../../src/engine/langchain/hearthVectorStore";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

describe("LangChain adapters", function () {
  let fixtures: FixtureModels;
  let engine: LlamaEngine;
  let tmp: string;
  let indexes: WorkspaceIndexes;
  let storeDir: string;

  before(async () => {
    fixtures = await ensureFixtureModels();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-langchain-"));
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: path.join(tmp, "store") });
    const root = path.join(tmp, "docs");
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, "bread.md"), "# Bread\nBake the bread in a hot oven for forty minutes.\n");
    fs.writeFileSync(path.join(root, "rome.md"), "# Rome\nThe history of the roman empire and its capital city.\n");
    fs.writeFileSync(path.join(root, "coffee.md"), "# Coffee\nCoffee and tea in the morning.\n");
    indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    storeDir = path.join(tmp, "index");
    await indexes.build({ roots: [root], storeDir, embeddingModel: fixtures.embedding }, () => undefined);
  });

  after(async () => {
    await engine.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("embeds through the engine, and retrieves from the workspace index with citations in metadata", async () => {
    const embeddings = new HearthEmbeddings({ backend: llamaEmbeddingBackend(engine), model: fixtures.embedding });
    const [vector] = await embeddings.embedDocuments(["bread in the oven"]);
    assert.equal(vector?.length, 64);
    assert.deepEqual(await embeddings.embedQuery("bread in the oven"), vector);

    const store = new HearthVectorStore(embeddings, { indexes, storeDir });
    const documents = await store.asRetriever({ k: 2 }).invoke("bake bread oven");
    assert.equal(documents[0]?.metadata.path, "bread.md");
    assert.deepEqual([documents[0]?.metadata.startLine, documents[0]?.metadata.endLine], [1, 2]);
    const byVector = await store.similaritySearchVectorWithScore(vector!, 1);
    assert.equal(byVector[0]?.[0].metadata.path, "bread.md");
    const filtered = await store.similaritySearch("history capital", 3, ["rome.md"]);
    assert.deepEqual([...new Set(filtered.map((document) => document.metadata.path))], ["rome.md"]);
    await assert.rejects(store.addDocuments(), /built from files/);
  });

  it("answers through a retrieval chain: retriever → prompt → HearthChatModel → string", async () => {
    const embeddings = new HearthEmbeddings({ backend: llamaEmbeddingBackend(engine), model: fixtures.embedding });
    const retriever = new HearthVectorStore(embeddings, { indexes, storeDir }).asRetriever({ k: 1 });
    const model = new HearthChatModel({ engine, model: fixtures.llama, options: { maxTokens: 12, temperature: 0, seed: 1 } });
    const prompts: string[] = [];
    const format = (documents: DocumentInterface[]): string =>
      documents.map((document) => `${String(document.metadata.path)}:${String(document.metadata.startLine)}-${String(document.metadata.endLine)}\n${document.pageContent}`).join("\n\n");
    const prompt = ChatPromptTemplate.fromMessages([
      ["system", "Answer from the context only. Cite path:line."],
      ["human", "Context:\n{context}\n\nQuestion: {question}"],
    ]);
    const chain = RunnableSequence.from([
      { context: retriever.pipe(RunnableLambda.from(format)), question: new RunnablePassthrough() },
      prompt,
      RunnableLambda.from(async (value: Awaited<ReturnType<typeof prompt.invoke>>) => {
        prompts.push(value.toChatMessages().map((message) => String(message.content)).join("\n"));
        return value;
      }),
      model,
      new StringOutputParser(),
    ]);
    const answer = await chain.invoke("How long does the bread bake in the oven?");
    assert.equal(typeof answer, "string");
    assert.ok(answer.length > 0);
    assert.match(prompts[0]!, /bread\.md:1-2\n# Bread\nBake the bread in a hot oven/);

    // Earlier turns and a system message reach the model as a conversation.
    const reply = await model.invoke([new SystemMessage("Be brief."), new HumanMessage("Hello"), new AIMessage("Hi."), new HumanMessage("And now?")]);
    assert.equal(typeof reply.content, "string");
    await assert.rejects(model.invoke([new HumanMessage("Hi"), new AIMessage("Hello")]), /last message must be the user's/);
  });
});
