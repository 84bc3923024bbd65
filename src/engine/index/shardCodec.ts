// How a shard's vectra index is laid out on disk: vectra's `IndexCodec`, in a compact binary form.
// The file is a magic, the length of a JSON header, the header, padding to 8 bytes, every item's
// norm as a little-endian float64, then every item's vector as little-endian float32, one after
// the other. The header holds vectra's version and metadata config, the metadata "shapes" (each
// distinct list of metadata keys, in order: a shard has a handful) and per item an array
// [id, shape, vector length, ...values]: key names are not repeated per item, and vectors never
// pass through JSON (vectra's own JSON codec spells each float out in decimal, ~5x the bytes,
// and V8's string limit caps such a file near 60k items).
//
// Decoding copies the vectors into one Float32Array per shard; each item's `vector` (the number[]
// vectra's type asks for) is made from it only if something reads it, and `storedVector` hands the
// search its Float32Array slice directly, so a loaded index holds no number[] copies.
import * as os from "node:os";
import type { DocumentCatalog, IndexCodec, IndexData, IndexItem, MetadataTypes } from "vectra";

const magic = Buffer.from("HRTHVEC2", "latin1");
const littleEndian = os.endianness() === "LE";

/** [id, shape index, vector length, ...metadata values in the shape's key order] */
type StoredItem = [string, number, number, ...MetadataTypes[]];

interface StoredHeader {
  version: number;
  metadata_config: { indexed?: string[] };
  shapes: string[][];
  items: StoredItem[];
  /** Item index → vectra's external metadata file, for the items that have one. */
  metadataFiles?: Record<string, string>;
}

/** The Float32Array slice behind each item this codec decoded. */
const decodedVectors = new WeakMap<object, Float32Array>();

/** A number[] copy of `vector` (a plain loop: Array.from goes through the iterator, several times slower). */
export function numberArray(vector: Float32Array): number[] {
  const array = new Array<number>(vector.length);
  for (let i = 0; i < vector.length; i++) array[i] = vector[i]!;
  return array;
}

/** An item's vector as a Float32Array: the decoded slice itself (no copy) when this codec read it. */
export function storedVector(item: IndexItem): Float32Array {
  return decodedVectors.get(item) ?? Float32Array.from(item.vector);
}

function vectorOf(item: IndexItem): ArrayLike<number> {
  return decodedVectors.get(item) ?? item.vector;
}

function align(offset: number, to: number): number {
  return offset + ((to - (offset % to)) % to);
}

export class ShardCodec implements IndexCodec {
  readonly extension = ".hidx";

  serializeIndex(data: IndexData): Buffer {
    let floats = 0;
    const shapes: string[][] = [];
    const shapeIndex = new Map<string, number>();
    const metadataFiles: Record<string, string> = {};
    const items = data.items.map((item, n): StoredItem => {
      const length = vectorOf(item).length;
      floats += length;
      const keys = Object.keys(item.metadata);
      const signature = keys.join("\u0000");
      let shape = shapeIndex.get(signature);
      if (shape === undefined) {
        shape = shapes.length;
        shapes.push(keys);
        shapeIndex.set(signature, shape);
      }
      if (item.metadataFile !== undefined) metadataFiles[n] = item.metadataFile;
      return [item.id, shape, length, ...keys.map((key) => item.metadata[key]!)];
    });
    const header: StoredHeader = {
      version: data.version,
      metadata_config: data.metadata_config,
      shapes,
      items,
      ...(Object.keys(metadataFiles).length > 0 ? { metadataFiles } : {}),
    };
    const json = Buffer.from(JSON.stringify(header), "utf8");
    const normStart = align(magic.length + 4 + json.length, 8);
    const vectorStart = normStart + data.items.length * 8;
    const buffer = Buffer.alloc(vectorStart + floats * 4);
    magic.copy(buffer, 0);
    buffer.writeUInt32LE(json.length, magic.length);
    json.copy(buffer, magic.length + 4);
    for (const [n, item] of data.items.entries()) buffer.writeDoubleLE(item.norm, normStart + n * 8);
    let offset = vectorStart;
    for (const item of data.items) {
      const vector = vectorOf(item);
      if (littleEndian && buffer.byteOffset % 4 === 0) {
        new Float32Array(buffer.buffer, buffer.byteOffset + offset, vector.length).set(vector);
        offset += vector.length * 4;
      } else {
        for (let i = 0; i < vector.length; i++, offset += 4) buffer.writeFloatLE(vector[i]!, offset);
      }
    }
    return buffer;
  }

  deserializeIndex(buffer: Buffer): IndexData {
    if (buffer.length < magic.length + 4 || !buffer.subarray(0, magic.length).equals(magic)) {
      throw new Error("not a Hearth index shard (wrong magic)");
    }
    const jsonEnd = magic.length + 4 + buffer.readUInt32LE(magic.length);
    if (jsonEnd > buffer.length) throw new Error("index shard is truncated (header)");
    const header = JSON.parse(buffer.subarray(magic.length + 4, jsonEnd).toString("utf8")) as StoredHeader;
    if (typeof header.version !== "number" || !Array.isArray(header.items) || !Array.isArray(header.shapes)) {
      throw new Error("index shard header is malformed");
    }
    const normStart = align(jsonEnd, 8);
    const vectorStart = normStart + header.items.length * 8;
    const floats = header.items.reduce((sum, item) => sum + item[2], 0);
    if (buffer.length !== vectorStart + floats * 4) throw new Error("index shard is truncated (vectors)");
    const vectors = new Float32Array(floats);
    if (littleEndian) Buffer.from(vectors.buffer).set(buffer.subarray(vectorStart));
    else for (let i = 0; i < floats; i++) vectors[i] = buffer.readFloatLE(vectorStart + i * 4);
    let offset = 0;
    const items = header.items.map((stored, n): IndexItem => {
      const [id, shape, length] = stored;
      const keys = header.shapes[shape];
      if (!keys) throw new Error(`index shard item ${id} has an unknown shape`);
      const metadata: Record<string, MetadataTypes> = {};
      for (let k = 0; k < keys.length; k++) metadata[keys[k]!] = stored[3 + k]!;
      const view = vectors.subarray(offset, offset + length);
      offset += length;
      const metadataFile = header.metadataFiles?.[n];
      const item: IndexItem = {
        id,
        metadata,
        norm: buffer.readDoubleLE(normStart + n * 8),
        get vector(): number[] {
          return numberArray(view);
        },
        ...(metadataFile !== undefined ? { metadataFile } : {}),
      };
      decodedVectors.set(item, view);
      return item;
    });
    return { version: header.version, metadata_config: header.metadata_config ?? {}, items };
  }

  serializeCatalog(catalog: DocumentCatalog): Buffer {
    return Buffer.from(JSON.stringify(catalog), "utf8");
  }

  deserializeCatalog(buffer: Buffer): DocumentCatalog {
    return JSON.parse(buffer.toString("utf8")) as DocumentCatalog;
  }

  serializeMetadata(metadata: Record<string, MetadataTypes>): Buffer {
    return Buffer.from(JSON.stringify(metadata), "utf8");
  }

  deserializeMetadata(buffer: Buffer): Record<string, MetadataTypes> {
    return JSON.parse(buffer.toString("utf8")) as Record<string, MetadataTypes>;
  }
}
