// Reads one named section of a little-endian ELF object (ELF32 or ELF64): the compiled
// layout values are constants the compiler put there, so nothing has to run.
export function elfSection(obj: Buffer, name: string): Buffer | null {
  if (obj.length < 52 || obj.readUInt32BE(0) !== 0x7f454c46 || obj[5] !== 1) return null;
  const is64 = obj[4] === 2;
  const shoff = is64 ? Number(obj.readBigUInt64LE(0x28)) : obj.readUInt32LE(0x20);
  const shentsize = obj.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = obj.readUInt16LE(is64 ? 0x3c : 0x30);
  const shstrndx = obj.readUInt16LE(is64 ? 0x3e : 0x32);
  if (shoff <= 0 || shoff + shnum * shentsize > obj.length || shstrndx >= shnum) return null;
  const sect = (i: number) => {
    const at = shoff + i * shentsize;
    return is64
      ? { name: obj.readUInt32LE(at), offset: Number(obj.readBigUInt64LE(at + 0x18)), size: Number(obj.readBigUInt64LE(at + 0x20)) }
      : { name: obj.readUInt32LE(at), offset: obj.readUInt32LE(at + 0x10), size: obj.readUInt32LE(at + 0x14) };
  };
  const strtab = sect(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sect(i);
    const start = strtab.offset + s.name;
    const end = obj.indexOf(0, start);
    if (end < 0 || obj.toString('latin1', start, end) !== name) continue;
    if (s.offset + s.size > obj.length) return null;
    return obj.subarray(s.offset, s.offset + s.size);
  }
  return null;
}
