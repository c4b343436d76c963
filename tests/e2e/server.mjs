// Starts a real cunjing server for the browser tests: a fresh SQLite database in a temporary directory,
// `init` + `demo` (which prints the demo logins and the otpauth:// lines of the users with TOTP), then
// `serve` on a free loopback port. CUNJING_BIN names the binary (default: the sanitizer build).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

export const BIN = process.env.CUNJING_BIN || '/work/main/build-asan/cunjing';

function run(args) {
  try {
    return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
  } catch (e) {
    throw new Error(`${BIN} ${args.join(' ')} failed (exit ${e.status}): ${e.stderr || e.message}`);
  }
}

// username -> base32 secret, from lines such as otpauth://totp/cunjing:admin?secret=ABC...&issuer=cunjing
export function parseTotpSecrets(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /otpauth:\/\/totp\/([^?\s]+)\?(\S+)/.exec(line);
    if (!m) continue;
    const label = decodeURIComponent(m[1]);
    const user = label.includes(':') ? label.slice(label.lastIndexOf(':') + 1) : label;
    const secret = new URLSearchParams(m[2]).get('secret');
    if (user && secret) out[user.trim()] = secret;
  }
  return out;
}

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret.
export function totp(secret, when = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`bad base32 character ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const code = ((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).toString();
  return code.padStart(6, '0');
}

export async function startServer({ timeoutMs = 20000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cunjing-e2e-'));
  const db = `sqlite:${join(dir, 'c.db')}`;
  let child = null;
  try {
    run(['init', '--db', db]);
    const demoOutput = run(['demo', '--db', db]);
    child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${timeoutMs} ms; stdout: ${stdout.slice(-2000)} stderr: ${stderr.slice(-2000)}`)), timeoutMs);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        stdout = (stdout + d).slice(-8000);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited early (code ${code}, signal ${signal}); stdout: ${stdout.slice(-2000)} stderr: ${stderr.slice(-2000)}`));
      });
    });
    const proc = child;
    return {
      url,
      dir,
      demoOutput,
      totpSecrets: parseTotpSecrets(demoOutput),
      serverOutput: () => ({ stdout, stderr }),
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
