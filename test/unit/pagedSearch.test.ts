// The paged-search loop against scripted server answers: the cases a real test server will not
// produce on demand (Active Directory's empty page with a cookie, a server that ignores paging).
import { expect } from 'chai';
import { Attribute, type Client, PagedResultsControl, SearchEntry, SearchResponse, type SearchRequest } from 'ldapts';
import { pagedSearch } from '../../src/directory/ldapts/pagedSearch.js';

type Answer = { names: string[]; cookie?: string; status?: number; paging?: boolean };

/** A Client whose requests are answered from a script; records the cookies it was sent. */
function scriptedClient(answers: Answer[]): { client: Client; cookiesSent: (string | undefined)[] } {
  const cookiesSent: (string | undefined)[] = [];
  let messageId = 0;
  const fake = {
    // The parser the decoder would sit in front of; scripted answers never go through it, so
    // their entries reach the loop as ldapts's parsed searchEntries.
    messageParser: { read: () => undefined },
    messageDetailsByMessageId: new Map(),
    _nextMessageId: () => ++messageId,
    _connect: () => Promise.resolve(),
    _send: (request: SearchRequest) => {
      const control = request.controls?.find((c): c is PagedResultsControl => c instanceof PagedResultsControl);
      cookiesSent.push(control?.value?.cookie?.toString());
      const answer = answers.shift();
      if (answer === undefined) return Promise.reject(new Error('the loop asked for more pages than the server has'));
      return Promise.resolve(
        new SearchResponse({
          messageId,
          status: answer.status ?? 0,
          searchEntries: answer.names.map((name) => new SearchEntry({ messageId, name, attributes: [new Attribute({ type: 'cn', values: [name] })] })),
          controls: answer.paging === false ? [] : [new PagedResultsControl({ value: { size: 2, cookie: Buffer.from(answer.cookie ?? '') } })],
        }),
      );
    },
  };
  return { client: fake as unknown as Client, cookiesSent };
}

async function collect(client: Client): Promise<string[]> {
  const names: string[] = [];
  const never = new AbortController().signal;
  const pages = pagedSearch(client, { base: 'OU=S', filter: '(cn=*)', attributes: ['cn'], pageSize: 2, timeLimitSeconds: 10 }, never, (record) =>
    names.push(record.dn),
  );
  let counted = 0;
  for await (const page of pages) counted += page.entries;
  expect(counted).to.equal(names.length);
  return names;
}

describe('the paged search loop', () => {
  it('keeps asking after an empty page that carries a cookie, until the cookie is empty', async () => {
    const { client, cookiesSent } = scriptedClient([
      { names: ['CN=a', 'CN=b'], cookie: 'p2' },
      { names: [], cookie: 'p3' },
      { names: ['CN=c'], cookie: '' },
    ]);
    expect(await collect(client)).to.deep.equal(['CN=a', 'CN=b', 'CN=c']);
    expect(cookiesSent).to.deep.equal([undefined, 'p2', 'p3']);
  });

  it('ends after one answer from a server that ignores paging', async () => {
    const { client } = scriptedClient([{ names: ['CN=a', 'CN=b', 'CN=c'], paging: false }]);
    expect(await collect(client)).to.deep.equal(['CN=a', 'CN=b', 'CN=c']);
  });

  it('throws on any page that is not a success (e.g. sizeLimitExceeded, 4)', async () => {
    const { client } = scriptedClient([
      { names: ['CN=a', 'CN=b'], cookie: 'p2' },
      { names: ['CN=c'], status: 4 },
    ]);
    let thrown: unknown;
    try {
      await collect(client);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).name).to.equal('SizeLimitExceededError');
  });

  it('stops at once when the connection is lost while a page is awaited', async () => {
    const { client } = scriptedClient([{ names: ['CN=a', 'CN=b'], cookie: 'p2' }]);
    const fake = client as unknown as { _send: (r: SearchRequest) => Promise<SearchResponse> };
    const answerFirstPage = fake._send.bind(fake);
    let calls = 0;
    // The second page never answers, as on a connection that went away.
    fake._send = (request) => (++calls === 1 ? answerFirstPage(request) : new Promise<SearchResponse>(() => undefined));
    const connection = new AbortController();
    const loseConnection = (error: Error) => connection.abort(error);
    const lost = connection.signal;
    const seen: string[] = [];
    let thrown: unknown;
    try {
      const pages = pagedSearch(client, { base: 'OU=S', filter: '(cn=*)', attributes: ['cn'], pageSize: 2, timeLimitSeconds: 10 }, lost, (record) =>
        seen.push(record.dn),
      );
      for await (const page of pages) {
        expect(page.entries).to.equal(2);
        loseConnection(new Error('connection closed'));
      }
    } catch (error) {
      thrown = error;
    }
    expect(seen).to.deep.equal(['CN=a', 'CN=b']);
    expect((thrown as Error).message).to.equal('connection closed');
  });
});
