// An iLobby row for unit tests: every column empty but EMAIL and the ones given.
import type { Row } from '../../src/mapping/mapRecord.js';

export function row(email: string, values: Partial<Row> = {}): Row {
  return { FIRSTNAME: '', LASTNAME: '', TITLE: '', DIVISION: '', EMAIL: email, MOBILE: '', DESKPHONE: '', SITE: '', ...values };
}
