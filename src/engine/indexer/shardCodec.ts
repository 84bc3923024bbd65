// How a shard's vectra index is laid out on disk: vectra's `IndexCodec`, in a compact binary form.
// The file is a magic, the length of a JSON header (vectra's version and metadata config, and per
// item its id, metadata, norm and vector length), the header, padding to 4 bytes, then every
// item's vector as little-endian float32 one after the other. Vectors never pass through JSON
// (vectra's own JSON codec spells each float out in decimal, ~5x the bytes, and V8's string limit
// caps such a file near 60k items).
//
// Decoding copies the vectors into one Float32Array per shard; each item's `vector` (the number[]
// vectra's type asks for) is made from it only if something reads it, and `storedVector` hands the
// search its Float32Array slice directly, so a loaded index holds no number[] copies.
import * as os from "node:os";
import type { DocumentCatalog, IndexCodec, IndexData, IndexItem, MetadataTypes } from "vectra";

const magic = Buffer.from("HRTHVEC2", "latin1");
const littleEndian = os.endianness() === "LE";

interface StoredItem {
  id: string;
  metadata: Record<string, MetadataTypes>;
  norm: number;
  /** Number of float32 values of this item in the vector section. */
  length: number;
  metadataFile?: string;
}

interface StoredHeader {
  version: number;
  metadata_config: { indexed?: string[] };
  items: StoredItem[];
}

/** The Float32Array slice behind each item this codec decoded. */
const decodedVectors = new WeakMap<object, Float32Array>();

/** An item's vector as a Float32Array: the decoded slice itself (no copy) when this codec read it. */
export function storedVector(item: IndexItem): Float32Array {
  return decodedVectors.get(item) ?? Float32Array.from(item.vector);
}

function vectorOf(item: IndexItem): ArrayLike<number> {
  return decodedVectors.get(item) ?? item.vector;
}

export class ShardCodec implements IndexCodec {
  readonly extension = ".hidx";

  serializeIndex(data: IndexData): Buffer {
    let floats = 0;
    const items: StoredItem[] = data.items.map((item) => {
      const length = vectorOf(item).length;
      floats += length;
      return {
        id: item.id,
        metadata: item.metadata,
        norm: item.norm,
        length,
        ...(item.metadataFile !== undefined ? { metadataFile: item.metadataFile } : {}),
      };
    });
    const header: StoredHeader = { version: data.version, metadata_config: data.metadata_config, items };
    const json = Buffer.from(JSON.stringify(header), "utf8");
    const vectorStart = align4(magic.length + 4 + json.length);
    const buffer = Buffer.alloc(vectorStart + floats * 4);
    magic.copy(buffer, 0);
    buffer.writeUInt32LE(json.length, magic.length);
    json.copy(buffer, magic.length + 4);
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
    if (typeof header.version !== "number" || !Array.isArray(header.items)) throw new Error("index shard header is malformed");
    const vectorStart = align4(jsonEnd);
    const floats = header.items.reduce((sum, item) => sum + item.length, 0);
    if (buffer.length !== vectorStart + floats * 4) throw new Error("index shard is truncated (vectors)");
    const vectors = new Float32Array(floats);
    if (littleEndian) Buffer.from(vectors.buffer).set(buffer.subarray(vectorStart));
    else for (let i = 0; i < floats; i++) vectors[i] = buffer.readFloatLE(vectorStart + i * 4);
    let offset = 0;
    const items = header.items.map((stored): IndexItem => {
      const view = vectors.subarray(offset, offset + stored.length);
      offset += stored.length;
      const item: IndexItem = {
        id: stored.id,
        metadata: stored.metadata,
        norm: stored.norm,
        get vector(): number[] {
          return Array.from(view);
        },
        ...(stored.metadataFile !== undefined ? { metadataFile: stored.metadataFile } : {}),
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

function align4(offset: number): number {
  return offset + ((4 - (offset % 4)) % 4);
}
