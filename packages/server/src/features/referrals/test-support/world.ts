import { inflateSync } from 'node:zlib';
import type { Role } from '@haven/core';
import { expect } from 'vitest';
import { createSession } from '../../../platform/auth/sessions.js';
import type { DatabaseKind } from '../../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../../test-support/server.js';

// A small jurisdiction for the referral tests: a police force that registers and refers, the
// providers it refers to, and the staff of each.

export const AREA = 'Lampedusa';

export interface Member {
  id: string;
  caller: Caller;
}

export interface ReferralWorld {
  server: TestServer;
  agencies: { police: string; clinic: string; ngo: string; consulate: string; iom: string; shelter: string; other: string };
  officer: Member;
  supervisor: Member;
  responder: Member;
  clinicStaff: Member;
  ngoStaff: Member;
  ngoSupervisor: Member;
  consulStaff: Member;
  iomStaff: Member;
  admin: Member;
  providers: { clinic: string; ngo: string; consulate: string; iom: string; shelter: string };
}

export async function referralWorld(kind: DatabaseKind): Promise<ReferralWorld> {
  const server = await startTestServer(kind, { logLevel: 'warn' });
  const { platform } = server;
  const agencies = {
    police: await makeAgency(platform, 'Border Police Lampedusa'),
    clinic: await makeAgency(platform, 'Island Clinic', 'service_provider'),
    ngo: await makeAgency(platform, 'Asylum Legal Aid', 'ngo'),
    consulate: await makeAgency(platform, 'Consulate', 'government'),
    iom: await makeAgency(platform, 'Return Programme', 'international'),
    shelter: await makeAgency(platform, 'Women Shelter', 'ngo'),
    other: await makeAgency(platform, 'Coast Guard', 'government'),
  };
  const member = async (agency: string, role: Role, username: string): Promise<Member> => {
    const id = await makeUser(platform, agency, role, username);
    return { id, caller: await sessionFor(server, id) };
  };
  const world = {
    server,
    agencies,
    officer: await member(agencies.police, 'protection_officer', 'officer'),
    supervisor: await member(agencies.police, 'supervisor', 'supervisor'),
    responder: await member(agencies.police, 'first_responder', 'responder'),
    clinicStaff: await member(agencies.clinic, 'service_provider', 'clinic.nurse'),
    ngoStaff: await member(agencies.ngo, 'service_provider', 'ngo.lawyer'),
    ngoSupervisor: await member(agencies.ngo, 'supervisor', 'ngo.head'),
    consulStaff: await member(agencies.consulate, 'service_provider', 'consul'),
    iomStaff: await member(agencies.iom, 'service_provider', 'iom.staff'),
    admin: await member(agencies.other, 'admin', 'admin'),
  };
  const provider = async (body: Record<string, unknown>): Promise<string> => {
    const answer = await world.admin.caller.post('/api/directory/providers', { area: AREA, languages: ['en', 'ar'], ...body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.id as string;
  };
  const providers = {
    clinic: await provider({ agencyId: agencies.clinic, name: 'Island Clinic', serviceTypes: ['emergency_medical', 'health'], capacity: 20, available: 4, hours: '24/7', contact: '+39 0922 000 000' }),
    ngo: await provider({ agencyId: agencies.ngo, name: 'Asylum Legal Aid', serviceTypes: ['asylum', 'legal_aid', 'child_protection'] }),
    consulate: await provider({ agencyId: agencies.consulate, name: 'Consular section', serviceTypes: ['consular'] }),
    iom: await provider({ agencyId: agencies.iom, name: 'Return Programme', serviceTypes: ['voluntary_return'] }),
    // Takes referrals from the coast guard only.
    shelter: await provider({ agencyId: agencies.shelter, name: 'Women Shelter', serviceTypes: ['shelter', 'gbv_services'], acceptsFrom: [agencies.other] }),
  };
  return { ...world, providers };
}

export function fields(answer: HttpAnswer): string[] {
  return ((answer.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}

/** The raw bytes of a GET (a PDF), as a signed-in user. */
export async function bytesOf(server: TestServer, userId: string, path: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const session = await createSession(server.platform.database.db, userId, 'full', server.platform.clock());
  const response = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: `haven_session=${session.token}` } });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
}

/**
 * The text a PDF shows: every content stream inflated (PDFKit deflates them), then the hex strings
 * of each text-showing operator (TJ) decoded. What a reader sees, not merely what the bytes contain.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf('stream\n', at);
    if (start < 0) break;
    const end = raw.indexOf('\nendstream', start);
    if (end < 0) break;
    const body = pdf.subarray(start + 'stream\n'.length, end);
    let content: string;
    try {
      content = inflateSync(body).toString('latin1');
    } catch {
      content = body.toString('latin1');
    }
    for (const op of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const text = [...op[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => Buffer.from(m[1]!, 'hex').toString('latin1')).join('');
      lines.push(text);
    }
    at = end;
  }
  return lines.join('\n');
}
