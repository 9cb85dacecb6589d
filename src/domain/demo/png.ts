import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const body = Buffer.concat([head.subarray(4), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([head.subarray(0, 4), body, crc]);
}

/** Encodes an 8-bit greyscale image as PNG; `pixel(x, y)` gives 0–255. */
export function greyscalePng(width: number, height: number, pixel: (x: number, y: number) => number): Uint8Array {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      raw[y * (width + 1) + 1 + x] = Math.max(0, Math.min(255, Math.round(pixel(x, y))));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 0;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]),
  );
}

/** A side-view gamma radiograph of a container: walls, cargo of the given density, an optional dense object. */
export function containerRadiograph(seed: number, cargoDensity: number, anomaly: boolean): Uint8Array {
  const w = 480;
  const h = 160;
  let state = seed >>> 0;
  const noise = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state / 4294967296 - 0.5) * 18;
  };
  return greyscalePng(w, h, (x, y) => {
    const inBox = x > 20 && x < w - 20 && y > 20 && y < h - 12;
    if (!inBox) {
      return 235 + noise() / 3;
    }
    const isWall = x < 26 || x > w - 26 || y < 26 || y > h - 18 || x % 60 < 2;
    const cargoTop = 60 + 10 * Math.sin(x / 40);
    let attenuation = isWall ? 120 : y > cargoTop ? 60 + 110 * cargoDensity : 20;
    if (anomaly && x > 300 && x < 340 && y > 80 && y < 125) {
      attenuation = 225;
    }
    return 235 - attenuation + noise();
  });
}
