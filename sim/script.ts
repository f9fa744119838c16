/**
 * Scripted client operations (scenario `script:`): exact operations at exact times on
 * exact servers, for scenarios that make one precise point (the dsync UID clash). They
 * are recorded like any client's requests, the operations on each server as one client
 * bound to it (process `script-<server>`): operations written for two servers are two
 * users' sessions, not one client that hops between the sides of a partition.
 */
import { clientRequest, messageBody, type ClientDeps } from './clients.ts';
import type { ScriptedOp } from './config.ts';
import type { ReplicaServer } from './replicaServer.ts';
import { EMPTY_MESSAGE_MAP, sortedGuids } from '../core/messageMap.ts';


export function runScript(config: { readonly script?: readonly ScriptedOp[]; readonly workload: { readonly messageSizeBytes: { readonly min: number } } }, deps: ClientDeps): void {
  let counter = 0;
  for (const scripted of config.script ?? []) {
    deps.scheduler.at(scripted.atMs, `script ${scripted.op.kind}`, async () => {
      const server = deps.servers.find((s) => s.name === scripted.node) as ReplicaServer;
      const op = scripted.op;
      const view = (mailbox: string): number => server.store?.state.mailboxes.get(mailbox)?.uidValidity ?? 0;
      const guidOf = (mailbox: string, uid: number): string => {
        const box = server.store?.state.mailboxes.get(mailbox);
        if (!box) return '';
        for (const bucket of box.messages.buckets) for (const m of bucket?.values() ?? []) if (m.uid === uid) return m.guid;
        return '';
      };
      const common = { server, process: `script-${server.name}`, write: true };
      switch (op.kind) {
        case 'deliver':
          for (let i = 0; i < op.count; i++) {
            counter++;
            const messageId = `<s${counter}.script@mailsim.test>`;
            const body = messageBody(messageId, Math.max(200, config.workload.messageSizeBytes.min), deps.rng);
            await clientRequest(deps, { ...common, f: 'deliver', value: { mailbox: op.mailbox, messageId, attempt: 1, sizeBytes: body.length }, op: (r) => r.deliver(op.mailbox, body), okValue: (res) => { deps.metrics.deliveryCount++; if (res.uid === 0) deps.metrics.deferred(res.guid, deps.scheduler.nowMs); return { guid: res.guid, uid: res.uid, uidValidity: res.uidValidity }; } });
          }
          return;
        case 'append': {
          counter++;
          const messageId = `<s${counter}.script@mailsim.test>`;
          const body = messageBody(messageId, Math.max(200, config.workload.messageSizeBytes.min), deps.rng);
          return clientRequest(deps, { ...common, f: 'append', value: { mailbox: op.mailbox, messageId, attempt: 1, sizeBytes: body.length }, op: (r) => r.append(op.mailbox, body, op.flags), okValue: (res) => ({ guid: res.guid, uid: res.uid, uidValidity: res.uidValidity }) });
        }
        case 'store':
          deps.metrics.flagChangeCount++;
          return clientRequest(deps, { ...common, f: 'store', value: { mailbox: op.mailbox, uidValidity: view(op.mailbox), uid: op.uid, guid: guidOf(op.mailbox, op.uid), mode: op.mode, flags: op.flags }, op: (r) => r.store(op.mailbox, [op.uid], op.mode, op.flags), okValue: (res) => ({ flagsAfter: res.changed[0]?.flags ?? null, modseq: res.changed[0]?.modseq ?? null }) });
        case 'expunge':
          return clientRequest(deps, { ...common, f: 'expunge', value: { mailbox: op.mailbox, uidValidity: view(op.mailbox), uids: op.uids, guids: op.uids.map((u) => guidOf(op.mailbox, u)) }, op: (r) => r.expunge(op.mailbox, op.uids), okValue: (res) => ({ expunged: res.expunged }) });
        case 'delete': {
          const guids = sortedGuids(server.store?.state.mailboxes.get(op.mailbox)?.messages ?? EMPTY_MESSAGE_MAP);
          return clientRequest(deps, { ...common, f: 'delete', value: { mailbox: op.mailbox, guids }, op: (r) => r.deleteMailbox(op.mailbox), okValue: (res) => ({ guids: res.guids }) });
        }
        case 'move':
        case 'copy': {
          const f = op.kind;
          const guid = guidOf(op.from, op.uid);
          return clientRequest(deps, { ...common, f, value: { from: op.from, to: op.to, uidValidity: view(op.from), uid: op.uid, guid }, op: (r) => (f === 'move' ? r.move(op.from, [op.uid], op.to) : r.copy(op.from, [op.uid], op.to)), okValue: (res) => ({ toUidValidity: res.uidValidity, toUid: res.targetUids[0] ?? 0, toGuid: 'targetGuids' in res ? (res.targetGuids as string[])[0] : guid }) });
        }
      }
    });
  }
}
