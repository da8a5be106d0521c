// A directory connection that goes silent is ended after directory.idleTimeoutSeconds, and a search
// base the server refuses as invalid DN syntax is explained part by part.
import { expect } from 'chai';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { InvalidDNSyntaxError } from 'ldapts';
import { dnProblem } from '../../src/directory/dnHint.js';
import { connectFailure, searchFailure } from '../../src/directory/failures.js';
import { ConnectionIdleError, SocketWatch } from '../../src/directory/socketWatch.js';

describe('directory idle timeout', function () {
  this.timeout(10_000);
  let server: net.Server;
  let port: number;
  const accepted: net.Socket[] = [];
  before(async () => {
    // Accepts and answers nothing, ever.
    server = net.createServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    for (const socket of accepted) socket.destroy();
    server.close();
  });

  it('aborts `lost` and `idle` with a ConnectionIdleError and closes the socket once nothing came for idleSeconds', async () => {
    const watch = new SocketWatch(1);
    const started = Date.now();
    const socket = (watch.createConnection as unknown as (port: number, host: string) => net.Socket)(port, '127.0.0.1');
    const reason = await new Promise<unknown>((resolve) => watch.lost.addEventListener('abort', () => resolve(watch.lost.reason), { once: true }));
    expect(reason).to.be.instanceOf(ConnectionIdleError);
    expect((reason as Error).message).to.equal('the directory sent nothing for 1 s (directory.idleTimeoutSeconds)');
    expect(watch.idle.aborted).to.equal(true);
    expect(Date.now() - started).to.be.within(900, 3000);
    expect(socket.destroyed).to.equal(true);
  });

  it('bytes from the server keep the connection alive', async () => {
    const watch = new SocketWatch(1);
    const socket = (watch.createConnection as unknown as (port: number, host: string) => net.Socket)(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const peer = accepted[accepted.length - 1]!;
    const timer = setInterval(() => peer.write('x'), 300);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    clearInterval(timer);
    expect(watch.lost.aborted).to.equal(false);
    watch.closing();
    watch.destroyAll();
  });

  it('our own close is not taken for a silent server', async () => {
    const watch = new SocketWatch(1);
    (watch.createConnection as unknown as (port: number, host: string) => net.Socket)(port, '127.0.0.1');
    watch.closing();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(watch.lost.aborted).to.equal(false);
    watch.destroyAll();
  });

  it('says where the connection went silent', () => {
    const idle = new ConnectionIdleError(60);
    expect(searchFailure('ldaps://dc1', 'OU=Staff,DC=corp', idle, 120).message).to.equal(
      'ldaps://dc1 stopped answering during the search of "OU=Staff,DC=corp": the directory sent nothing for 60 s (directory.idleTimeoutSeconds); the extract would be partial, so nothing is written',
    );
    expect(connectFailure('ldaps://dc1', idle, undefined).message).to.equal(
      'ldaps://dc1 stopped answering while roster connected and bound: the directory sent nothing for 60 s (directory.idleTimeoutSeconds)',
    );
    expect(connectFailure('ldaps://dc1', idle, undefined).exitCode).to.equal(3);
  });
});

describe('a search base refused as invalid DN syntax', () => {
  it('names the part that looks wrong', () => {
    expect(dnProblem('OU=Staff,,DC=corp')).to.equal('part 2 is empty (two commas in a row, or a comma at the start or end)');
    expect(dnProblem('OU=Staff,DC=corp,')).to.equal('part 3 is empty (two commas in a row, or a comma at the start or end)');
    expect(dnProblem('OU=Staff;DC=corp;DC=com')).to.equal('its parts are separated by ";"; separate them with ","');
    expect(dnProblem('Staff,DC=corp')).to.equal('the part "Staff" has no "=" (each part is NAME=value, e.g. OU=Staff)');
    expect(dnProblem('O U=Staff,DC=corp')).to.equal('"O U" in "O U=Staff" is not an attribute name (e.g. OU, CN, DC)');
    expect(dnProblem('OU=,DC=corp')).to.equal('the part "OU=" has no value');
    expect(dnProblem('OU=Sales <East>,DC=corp')).to.equal('the value in "OU=Sales <East>" holds ; " < or > without a backslash before it');
    expect(dnProblem('   ')).to.equal('it is empty');
  });

  it('finds nothing wrong in valid DNs, escaped characters and multi-valued parts included', () => {
    for (const dn of [
      'OU=Staff,DC=corp,DC=example,DC=com',
      'OU=Sales\\, East,DC=corp',
      'CN=A+UID=1,DC=corp',
      '2.5.4.11=Staff,DC=corp',
      'OU = Staff , DC = corp',
    ]) {
      expect(dnProblem(dn), dn).to.equal(undefined);
    }
  });

  it("the message says what to fix, and keeps the server's words", () => {
    const error = searchFailure(
      'ldaps://dc1',
      'Staff,DC=corp',
      new InvalidDNSyntaxError('00002081: NameErr: DSID-03100241, problem 2003 (BAD_ATT_SYNTAX)'),
      120,
    );
    expect(error.exitCode).to.equal(3);
    expect(error.message).to.equal(
      'search base "Staff,DC=corp" is not a valid DN: the part "Staff" has no "=" (each part is NAME=value, e.g. OU=Staff) (ldaps://dc1 said: 00002081: NameErr: DSID-03100241, problem 2003 (BAD_ATT_SYNTAX) Code: 0x22)',
    );
    expect(error.hint).to.match(/^Fix it in directory\.searchBases: the full DN/);
  });
});
