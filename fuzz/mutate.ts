// Byte-level mutations with a bias towards the structure of mail and diffs.
export type Rng = () => number;

const TOKENS = [
  '\n',
  '\r\n',
  '\0',
  'diff --git a/drivers/vhost/x.c b/drivers/vhost/x.c\n',
  '--- a/x.c\n+++ b/x.c\n',
  '@@ -1,3 +1,4 @@ static int f(void)\n',
  '@@ -0,0 +1 @@\n',
  '+#define VHOST_X _IOW(VHOST_VIRTIO, 0x99, __u64)\n',
  '+\t\t(1ULL << VIRTIO_F_ACCESS_PLATFORM) |\n',
  '\\ No newline at end of file\n',
  'Content-Type: multipart/mixed; boundary="b"\n',
  '\n--b\nContent-Type: text/x-patch\nContent-Transfer-Encoding: base64\n\n',
  'Content-Transfer-Encoding: quoted-printable\n',
  '=?utf-8?B?',
  '?=',
  '=\n',
  'format=flowed',
  '---\n',
  'Subject: [PATCH v2 1/3] ',
  'rename from ',
  'Binary files a/x and b/x differ\n',
  'struct vhost_x {\n',
  '/*',
  '*/',
  '"',
];

export function mutate(seed: Buffer, corpus: Buffer[], rng: Rng): Buffer {
  let b = Buffer.from(seed);
  const n = 1 + Math.floor(rng() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rng() * (b.length + 1));
    switch (Math.floor(rng() * 7)) {
      case 0:
        if (b.length) b[Math.min(at, b.length - 1)] = Math.floor(rng() * 256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(rng() * 64))]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(TOKENS[Math.floor(rng() * TOKENS.length)]!, 'latin1'), b.subarray(at)]);
        break;
      case 3: {
        const len = Math.floor(rng() * 256);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 4: {
        const other = corpus[Math.floor(rng() * corpus.length)]!;
        const from = Math.floor(rng() * other.length);
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + Math.floor(rng() * 512)), b.subarray(at)]);
        break;
      }
      case 5:
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(Math.floor(rng() * 2000), rng() < 0.5 ? 0x20 : 0x2b), b.subarray(at)]);
        break;
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}
