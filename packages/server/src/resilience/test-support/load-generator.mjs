/* global fetch, AbortSignal, setTimeout -- Node 20 globals */
// A registration load from a process of its own, for the crash test: workers register single
// persons and 20-person encounters against a server that is killed and restarted under them.
// Every answer with a 2xx is appended to the out file as one JSON line (one write each), with what
// was sent, so the test can check that each acknowledged registration survived intact. Connection
// failures (the server is down) are retried; any other refusal is recorded too.
// Usage: node load-generator.mjs <baseUrl> <cookie> <csrf> <outFile> [workers]
import { appendFileSync } from 'node:fs';

const [baseUrl, cookie, csrf, outFile, workersText] = process.argv.slice(2);
const workers = Number(workersText ?? 4);
const BATCH = 20;
const GIVEN = ['Amina', 'Yonas', 'Mohammed', 'Fatima', 'Ousmane', 'Mariam', 'Abdi', 'Senait', 'أمينة', 'ዮናስ'];
const FAMILY = ['Al-Hassan', 'Tesfaye', 'Diallo', 'Haile', 'Abdullahi', 'Keita', 'Gebre', 'الحسن', 'ተስፋዬ', 'Bah'];
const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
let stopping = false;
let serial = 0;
let unreached = 0;
let lastError = '';

process.on('SIGTERM', () => {
  stopping = true;
});

const record = (line) => appendFileSync(outFile, `${JSON.stringify(line)}\n`);

/** A synthetic person (never a real one); the serial makes every registration distinguishable. */
function person() {
  serial += 1;
  const n = serial;
  return {
    givenName: `${GIVEN[n % GIVEN.length]} ${process.pid}-${n}`,
    familyName: FAMILY[(n >> 2) % FAMILY.length],
    sex: ['female', 'male', 'unknown'][n % 3],
    ageClaimed: 10 + (n % 50),
    nationality: ['ER', 'SY', 'AF', 'SD', 'GM'][n % 5],
    languages: [['ti'], ['ar'], ['fa'], ['ar'], ['en']][n % 5],
    phone: `+30 690 ${String(n).padStart(7, '0')}`,
    ...(n % 4 === 0 ? { indicators: ['fear_of_return'] } : {}),
  };
}

/** Posts once; undefined when the server could not be reached (it is down or restarting). */
async function post(path, body) {
  try {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    unreached += 1;
    lastError = String(error?.cause?.code ?? error?.message ?? error);
    return undefined;
  }
}

async function single() {
  const sent = person();
  const answer = await post('/api/persons', sent);
  if (!answer) return false;
  if (answer.status >= 200 && answer.status < 300) record({ kind: 'person', sent, answer: answer.body });
  else record({ kind: 'refused', path: '/api/persons', status: answer.status, body: answer.body });
  return true;
}

async function encounter() {
  const sent = { type: 'rescue_at_sea', occurredAt: new Date().toISOString(), place: { name: `Crash test ${process.pid}-${serial}` }, peopleOnBoard: BATCH };
  const created = await post('/api/encounters', sent);
  if (!created) return false;
  if (created.status !== 201) {
    record({ kind: 'refused', path: '/api/encounters', status: created.status, body: created.body });
    return true;
  }
  record({ kind: 'encounter', sent, answer: created.body });
  const persons = Array.from({ length: BATCH }, person);
  const answer = await post(`/api/encounters/${created.body.id}/persons`, { persons });
  if (!answer) return false;
  if (answer.status >= 200 && answer.status < 300) record({ kind: 'batch', encounterId: created.body.id, sent: persons, answer: answer.body });
  else record({ kind: 'refused', path: '/api/encounters/:id/persons', status: answer.status, body: answer.body });
  return true;
}

async function worker(index) {
  for (let round = 0; !stopping; round += 1) {
    const reached = await (round % 5 === index % 5 ? encounter() : single());
    if (!reached) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
record({ kind: 'summary', unreached, lastError });
