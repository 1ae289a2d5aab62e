// Synthetic list traffic for the inbox tests, written for these tests (no list mail is copied):
// a small "frob map" story with two versions of a series, reviews, trailers, an older
// discussion of the same symbols and an unrelated thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MailSpec {
  id: string;
  from: string;
  date: string;
  subject: string;
  inReplyTo?: string;
  references?: string[];
  body: string;
  replyTo?: string;
}

export function mail(m: MailSpec): string {
  const h = [`From: ${m.from}`, `Date: ${m.date}`, `Subject: ${m.subject}`, `Message-ID: <${m.id}>`, 'To: virt@example.org', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
  if (m.replyTo) h.push(`Reply-To: ${m.replyTo}`);
  if (m.inReplyTo) h.push(`In-Reply-To: <${m.inReplyTo}>`);
  if (m.references?.length) h.push(`References: ${m.references.map((r) => `<${r}>`).join('\n ')}`);
  return `${h.join('\n')}\n\n${m.body.replace(/\n*$/, '\n')}`;
}

/** An mboxrd file of the mails. */
export function mbox(mails: string[]): string {
  return mails.map((m) => `From mboxrd@z Thu Jan  1 00:00:00 1970\n${m.replace(/^(>*From )/gm, '>$1')}\n`).join('');
}

export function tempDir(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ALICE = 'Alice Author <alice@example.org>';
export const BOB = 'Bob Reviewer <bob@example.org>';
export const CAROL = 'Carol Acker <carol@example.org>';
export const DAVE = 'Dave Maintainer <dave@example.org>';
export const ERIN = 'Erin User <erin@example.org>';
export const ROBOT = 'kernel test robot <lkp@intel.com>';

/** Patch 1/2: a uAPI backend feature bit and the vhost-vdpa code that offers it. */
export function frobPatchBody(extraLine = ''): string {
  return `Keep frob mappings across a device reset when userspace acks the new
backend feature.${extraLine ? `\n\n${extraLine}` : ''}

Signed-off-by: ${ALICE}
---
 drivers/vhost/vdpa.c             | 13 +++++++++++++
 include/uapi/linux/vhost_types.h |  2 ++
 2 files changed, 15 insertions(+)

diff --git a/drivers/vhost/vdpa.c b/drivers/vhost/vdpa.c
index 1111111..2222222 100644
--- a/drivers/vhost/vdpa.c
+++ b/drivers/vhost/vdpa.c
@@ -40,6 +40,13 @@ static void vhost_vdpa_cleanup(struct vhost_vdpa *v)
 	kfree(v->vqs);
 }
 
+static bool vhost_vdpa_frob_persist(struct vhost_vdpa *v)
+{
+	const struct vdpa_config_ops *ops = v->vdpa->config;
+
+	return ops->frob_map_reset != NULL;
+}
+
 static long vhost_vdpa_get_features(struct vhost_vdpa *v, u64 __user *featurep)
 {
 	u64 features;
@@ -90,6 +97,12 @@ static long vhost_vdpa_unlocked_ioctl(struct file *filep,
 	long r = 0;
 
 	switch (cmd) {
+	case VHOST_SET_BACKEND_FEATURES:
+		if ((features & BIT_ULL(VHOST_BACKEND_F_FROB_PERSIST)) &&
+		    !vhost_vdpa_frob_persist(v))
+			return -EOPNOTSUPP;
+		break;
+
 	default:
 		break;
 	}
diff --git a/include/uapi/linux/vhost_types.h b/include/uapi/linux/vhost_types.h
index 3333333..4444444 100644
--- a/include/uapi/linux/vhost_types.h
+++ b/include/uapi/linux/vhost_types.h
@@ -180,3 +180,5 @@ struct vhost_vdpa_iova_range {
 #define VHOST_BACKEND_F_SUSPEND  0x4
 #define VHOST_BACKEND_F_RESUME  0x5
 
+/* Frob mappings are kept across a device reset. */
+#define VHOST_BACKEND_F_FROB_PERSIST  0x9
-- 
2.40.0
`;
}

/** Patch 2/2: the simulator implements the op. */
export function simPatchBody(): string {
  return `Implement the frob map reset op in the simulator.

Signed-off-by: ${ALICE}
---
 drivers/vdpa/vdpa_sim/vdpa_sim.c | 8 ++++++++
 1 file changed, 8 insertions(+)

diff --git a/drivers/vdpa/vdpa_sim/vdpa_sim.c b/drivers/vdpa/vdpa_sim/vdpa_sim.c
index 5555555..6666666 100644
--- a/drivers/vdpa/vdpa_sim/vdpa_sim.c
+++ b/drivers/vdpa/vdpa_sim/vdpa_sim.c
@@ -300,6 +300,14 @@ static int vdpasim_set_map(struct vdpa_device *vdpa, unsigned int asid,
 	return ret;
 }
 
+static int vdpasim_frob_map_reset(struct vdpa_device *vdpa, unsigned int asid)
+{
+	struct vdpasim *vdpasim = vdpa_to_sim(vdpa);
+
+	vhost_iotlb_reset(&vdpasim->iommu[asid]);
+	return 0;
+}
+
 static const struct vdpa_config_ops vdpasim_config_ops = {
 	.set_map = vdpasim_set_map,
 };
-- 
2.40.0
`;
}

const V1 = 'v1-0-frob@example.org';
const V1P1 = 'v1-1-frob@example.org';
const V1P2 = 'v1-2-frob@example.org';
const V2 = 'v2-0-frob@example.org';
const V2P1 = 'v2-1-frob@example.org';
const V2P2 = 'v2-2-frob@example.org';

export const IDS = {
  V1,
  V1P1,
  V1P2,
  V2,
  V2P1,
  V2P2,
  bobReview: 'bob-1@example.org',
  carolAck: 'carol-1@example.org',
  robot: 'robot-1@intel.com',
  daveApplied: 'dave-1@example.org',
  daveReviewed: 'dave-2@example.org',
  erinAsk: 'erin-2019@example.org',
  erinReply: 'bob-2019@example.org',
  logPatch: 'log-1@example.org',
  logReply: 'log-2@example.org',
};

/** The older discussion and an unrelated thread (2019–2020). */
export function olderMails(): string[] {
  return [
    mail({
      id: IDS.erinAsk,
      from: ERIN,
      date: 'Mon, 4 Nov 2019 10:00:00 +0000',
      subject: 'frob mappings lost after reset?',
      body: `Hi,

Our VMM sees all frob mappings vanish after VHOST_SET_STATUS writes zero. Is
vhost_vdpa_frob_persist supposed to exist, or must userspace replay every map?

Thanks,
Erin
`,
    }),
    mail({
      id: IDS.erinReply,
      from: BOB,
      date: 'Tue, 5 Nov 2019 09:00:00 +0000',
      subject: 'Re: frob mappings lost after reset?',
      inReplyTo: IDS.erinAsk,
      references: [IDS.erinAsk],
      body: `On Mon, Nov 04, 2019 at 10:00:00AM +0000, Erin User wrote:
> Is vhost_vdpa_frob_persist supposed to exist

Today the parent drops them in its reset path. A frob_map_reset op would let the
parent restore its initial mapping instead. Until then userspace must replay.
`,
    }),
    mail({
      id: IDS.logPatch,
      from: DAVE,
      date: 'Wed, 1 Jul 2020 08:00:00 +0000',
      subject: '[PATCH] vhost: tidy up logging',
      body: `Small cleanup.

Signed-off-by: ${DAVE}
---
 drivers/vhost/vhost.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/drivers/vhost/vhost.c b/drivers/vhost/vhost.c
index 7777777..8888888 100644
--- a/drivers/vhost/vhost.c
+++ b/drivers/vhost/vhost.c
@@ -10,7 +10,7 @@ static int vhost_log_write_page(struct vhost_virtqueue *vq, u64 addr)
 	int r;
 
-	r = vhost_log_touch_page(vq, addr);
+	r = vhost_log_touch_range(vq, addr, 1);
 	return r;
 }
 
-- 
2.40.0
`,
    }),
    mail({
      id: IDS.logReply,
      from: CAROL,
      date: 'Thu, 2 Jul 2020 08:00:00 +0000',
      subject: 'Re: [PATCH] vhost: tidy up logging',
      inReplyTo: IDS.logPatch,
      references: [IDS.logPatch],
      body: `vhost_log_touch_range looks right.

Acked-by: ${CAROL}
`,
    }),
  ];
}

/** v1 of the series (cover letter, two patches) and its review. */
export function v1Mails(): string[] {
  return [
    mail({ id: V1, from: ALICE, date: 'Mon, 2 Oct 2023 10:00:00 +0000', subject: '[PATCH 0/2] vdpa: keep frob mappings across reset', body: 'This series keeps frob mappings across a reset.\n\nAlice Author (2):\n  vhost-vdpa: introduce FROB_PERSIST backend feature\n  vdpa_sim: implement frob map reset\n' }),
    mail({ id: V1P1, from: ALICE, date: 'Mon, 2 Oct 2023 10:00:01 +0000', subject: '[PATCH 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature', inReplyTo: V1, references: [V1], body: frobPatchBody() }),
    mail({ id: V1P2, from: ALICE, date: 'Mon, 2 Oct 2023 10:00:02 +0000', subject: '[PATCH 2/2] vdpa_sim: implement frob map reset', inReplyTo: V1, references: [V1], body: simPatchBody() }),
    mail({
      id: IDS.bobReview,
      from: BOB,
      date: 'Tue, 3 Oct 2023 09:00:00 +0000',
      subject: 'Re: [PATCH 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature',
      inReplyTo: V1P1,
      references: [V1, V1P1],
      body: `On Mon, Oct 02, 2023 at 10:00:01AM +0000, Alice Author wrote:
> +	return ops->frob_map_reset != NULL;

What happens to old userspace that never acks VHOST_BACKEND_F_FROB_PERSIST?
It still expects the reset to drop every mapping. Please keep that behaviour.

NAK as is.
`,
    }),
    mail({
      id: IDS.carolAck,
      from: CAROL,
      date: 'Tue, 3 Oct 2023 11:00:00 +0000',
      subject: 'Re: [PATCH 2/2] vdpa_sim: implement frob map reset',
      inReplyTo: V1P2,
      references: [V1, V1P2],
      body: `> +	vhost_iotlb_reset(&vdpasim->iommu[asid]);

Looks fine to me.

Acked-by: ${CAROL}
`,
    }),
    mail({
      id: IDS.robot,
      from: ROBOT,
      date: 'Tue, 3 Oct 2023 12:00:00 +0000',
      subject: 'Re: [PATCH 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature',
      inReplyTo: V1P1,
      references: [V1, V1P1],
      body: `Hi Alice,

kernel test robot noticed the following build warnings:
drivers/vhost/vdpa.c:101: warning: unused variable vhost_vdpa_frob_persist
`,
    }),
  ];
}

/** v2: same subjects, new version, reviewed and applied. */
export function v2Mails(): string[] {
  return [
    mail({ id: V2, from: ALICE, date: 'Mon, 16 Oct 2023 10:00:00 +0000', subject: '[PATCH v2 0/2] vdpa: keep frob mappings across reset', body: 'v2: old userspace keeps the old behaviour.\n' }),
    mail({ id: V2P1, from: ALICE, date: 'Mon, 16 Oct 2023 10:00:01 +0000', subject: '[PATCH v2 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature', inReplyTo: V2, references: [V2], body: frobPatchBody('Old userspace keeps the old behaviour.') }),
    mail({ id: V2P2, from: ALICE, date: 'Mon, 16 Oct 2023 10:00:02 +0000', subject: '[PATCH v2 2/2] vdpa_sim: implement frob map reset', inReplyTo: V2, references: [V2], body: simPatchBody() }),
    mail({
      id: IDS.daveReviewed,
      from: `Dave Maintainer via Virt <virt@lists.example.org>`,
      replyTo: DAVE,
      date: 'Tue, 17 Oct 2023 09:00:00 +0000',
      subject: 'Re: [PATCH v2 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature',
      inReplyTo: V2P1,
      references: [V2, V2P1],
      body: `vhost_vdpa_frob_persist() now only matters once the feature is acked. Good.

Reviewed-by: ${DAVE}
`,
    }),
    mail({
      id: IDS.daveApplied,
      from: DAVE,
      date: 'Wed, 18 Oct 2023 09:00:00 +0000',
      subject: 'Re: [PATCH v2 0/2] vdpa: keep frob mappings across reset',
      inReplyTo: V2,
      references: [V2],
      body: 'Applied, thanks.\n',
    }),
  ];
}

/** v3 of patch 1/2, not indexed: what a reviewer asks about. */
export function v3Patch(): string {
  return mail({
    id: 'v3-1-frob@example.org',
    from: ALICE,
    date: 'Mon, 6 Nov 2023 10:00:01 +0000',
    subject: '[PATCH v3 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature',
    inReplyTo: 'v3-0-frob@example.org',
    references: ['v3-0-frob@example.org'],
    body: frobPatchBody('v3: rebased.'),
  });
}
