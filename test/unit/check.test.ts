// The pure parts of `roster check`: certificate descriptions, step lines, the summary and exit code.
import { expect } from 'chai';
import type { PeerCertificate } from 'node:tls';
import { certificateInfo, describeCertificate, distinguishedName, validityOf } from '../../src/doctor/certificate.js';
import { ASCII_SYMBOLS, CheckLog, formatStep, symbolsFor, UNICODE_SYMBOLS } from '../../src/doctor/steps.js';
import { CredentialsRejectedError, DirectoryError } from '../../src/platform/errors.js';
import { silentLogger, type Fields, type Logger } from '../../src/platform/log/logger.js';

const DAY = 86_400_000;
const now = new Date('2026-03-10T12:00:00Z');
const info = (from: number, to: number) => ({
  subject: 'CN=dc1.corp.example.com',
  issuer: 'CN=Corp Root CA',
  validFrom: new Date(now.getTime() + from * DAY),
  validTo: new Date(now.getTime() + to * DAY),
  altNames: undefined,
});

describe('check: certificates', () => {
  it('says how long a certificate is still valid, or since when it has expired', () => {
    expect(validityOf(info(-100, 45.5), now)).to.deep.equal({ text: 'valid until 2026-04-25 (45 days left)', daysLeft: 45, valid: true });
    expect(validityOf(info(-100, 1.2), now).text).to.equal('valid until 2026-03-11 (1 day left)');
    expect(validityOf(info(-100, -10), now)).to.deep.equal({ text: 'expired on 2026-02-28 (10 days ago)', daysLeft: -10, valid: false });
    expect(validityOf(info(3, 30), now).text).to.equal('not valid before 2026-03-13');
  });

  it("reads Node's peer certificate and writes names as DNs", () => {
    const peer = {
      subject: { CN: 'dc1.corp.example.com', O: 'Corp' },
      issuer: { CN: 'Corp Root CA', OU: ['IT', 'PKI'] },
      valid_from: 'Jan  1 00:00:00 2026 GMT',
      valid_to: 'Jan  1 00:00:00 2027 GMT',
      subjectaltname: 'DNS:dc1.corp.example.com',
    } as unknown as PeerCertificate;
    const read = certificateInfo(peer)!;
    expect(read).to.deep.include({ subject: 'CN=dc1.corp.example.com, O=Corp', issuer: 'CN=Corp Root CA, OU=IT+PKI', altNames: 'DNS:dc1.corp.example.com' });
    expect(read.validTo.toISOString()).to.equal('2027-01-01T00:00:00.000Z');
    expect(certificateInfo({} as PeerCertificate)).to.equal(undefined);
    expect(distinguishedName(undefined)).to.equal('(empty)');
    expect(describeCertificate(info(-1, 400), now)).to.equal(
      'certificate CN=dc1.corp.example.com, issued by CN=Corp Root CA, valid until 2027-04-14 (400 days left)',
    );
  });
});

describe('check: step lines', () => {
  it('aligns further lines and the hint under the message', () => {
    const text = formatStep(
      { step: 'TLS', subject: 'ldaps://dc1', status: 'fail', message: 'not accepted\nthe server presented: X', hint: 'renew it' },
      UNICODE_SYMBOLS,
      '  ',
    );
    expect(text).to.equal('  ✘ TLS    not accepted\n           the server presented: X\n           what to try: renew it');
    expect(formatStep({ step: 'bind', subject: 'x', status: 'pass', message: 'as svc' }, ASCII_SYMBOLS, '')).to.equal('OK   bind   as svc');
  });

  it('uses plain ASCII only in the classic Windows console', () => {
    expect(symbolsFor('win32', {})).to.equal(ASCII_SYMBOLS);
    expect(symbolsFor('win32', { WT_SESSION: 'x' })).to.equal(UNICODE_SYMBOLS);
    expect(symbolsFor('linux', {})).to.equal(UNICODE_SYMBOLS);
  });

  it("exits with the first failure's code and says which step it was", () => {
    const results: [string, Fields][] = [];
    const log: Logger = { ...silentLogger, result: (text, fields) => results.push([text, fields]) };
    const checks = new CheckLog(log, UNICODE_SYMBOLS);
    checks.pass('config', '/c.json', 'ok');
    expect(checks.exitCode).to.equal(0);
    expect(checks.summary()).to.equal('check passed: 1 steps ok; nothing was uploaded');
    checks.section('ldaps://dc1');
    checks.fail('bind', 'ldaps://dc1', new DirectoryError('bind refused', { hint: 'check the password' }));
    checks.warn('TLS', 'ldaps://dc1', 'expires soon', 'renew it');
    checks.fail('token', 'ilobby', new CredentialsRejectedError('refused'));
    checks.fail('search', 'ldaps://dc1', new TypeError('a bug'));
    expect(checks.exitCode).to.equal(3);
    expect(checks.summary()).to.equal('check failed: 3 of 5 steps failed, 1 warning; the first: bind (ldaps://dc1), exit 3');
    expect(checks.steps.map((s) => s.exitCode)).to.deep.equal([undefined, 3, undefined, 5, 1]);
    expect(checks.steps[4]!.hint).to.match(/bug in roster/);
    expect(results[2]).to.deep.equal([
      '  ✘ bind   bind refused\n           what to try: check the password',
      {
        check: 'bind',
        subject: 'ldaps://dc1',
        status: 'fail',
        message: 'bind refused',
        hint: 'check the password',
        exitCode: 3,
      },
    ]);
  });
});
