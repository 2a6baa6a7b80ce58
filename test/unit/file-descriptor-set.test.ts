import { describe, expect, it } from 'vitest';
import { closeOverImports } from '../../src/driver/reflect-method.js';
import { encodeFileDescriptorSet, readFileDescriptorHeader } from '../../src/driver/file-descriptor-set.js';

const text = (field: number, value: string): number[] => {
  const bytes = [...Buffer.from(value)];
  return [(field << 3) | 2, bytes.length, ...bytes];
};

/** A FileDescriptorProto with name (1), package (2), dependencies (3) and a varint field (10, public_dependency). */
function fileDescriptor(name: string, dependencies: string[] = []): Buffer {
  return Buffer.from([...text(1, name), ...text(2, 'pkg'), ...dependencies.flatMap((d) => text(3, d)), (10 << 3) | 0, 0]);
}

describe('FileDescriptorProto header and FileDescriptorSet', () => {
  it('reads the name and the imports, skipping other fields', () => {
    expect(readFileDescriptorHeader(fileDescriptor('a/b.proto', ['c.proto', 'd/e.proto']))).toEqual({ name: 'a/b.proto', dependencies: ['c.proto', 'd/e.proto'] });
  });

  it('rejects a descriptor cut short', () => {
    expect(() => readFileDescriptorHeader(fileDescriptor('a.proto').subarray(0, 4))).toThrow(RangeError);
  });

  it('frames each file as field 1 with a varint length, also past 127 bytes', () => {
    const long = fileDescriptor(`${'x'.repeat(200)}.proto`);
    const set = encodeFileDescriptorSet([fileDescriptor('a.proto'), long]);
    const first = fileDescriptor('a.proto');
    expect([...set.subarray(0, 2)]).toEqual([0x0a, first.length]);
    const second = set.subarray(2 + first.length);
    expect([...second.subarray(0, 3)]).toEqual([0x0a, (long.length % 128) | 0x80, Math.floor(long.length / 128)]);
    expect(second.subarray(3).equals(long)).toBe(true);
  });
});

describe('closeOverImports', () => {
  it('fetches missing imports transitively, never a file it already has', async () => {
    const served: Record<string, Buffer[]> = {
      'b.proto': [fileDescriptor('b.proto', ['c.proto', 'd.proto'])],
      // c.proto comes with d.proto, which is then not asked for.
      'c.proto': [fileDescriptor('c.proto'), fileDescriptor('d.proto', ['a.proto'])],
    };
    const asked: string[] = [];
    const files = await closeOverImports([fileDescriptor('a.proto', ['b.proto'])], async (name) => {
      asked.push(name);
      return served[name] ?? [];
    });
    expect(asked).toEqual(['b.proto', 'c.proto']);
    expect(files.map((file) => readFileDescriptorHeader(file).name)).toEqual(['a.proto', 'b.proto', 'c.proto', 'd.proto']);
  });

  it('fails when the server does not send an imported file', async () => {
    await expect(closeOverImports([fileDescriptor('a.proto', ['gone.proto'])], async () => [])).rejects.toThrow('"gone.proto" (imported by "a.proto")');
  });
});
