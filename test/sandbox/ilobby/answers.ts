// The shapes the sandbox's upload endpoint answers in. The real service's answer format is not
// published, so roster reads it liberally; the sandbox answers in several shapes to prove it:
//   flat        {received, created, updated, disabled, errors: [{line, email, message}]} (the default)
//   nested      {result: {received, accepted, rejectedCount, failedRows: [{row, email, reason}], deactivatedCount}}
//   count-only  {result: {rejectedCount, deactivated}}: rejected rows counted, none named
//   empty       {}: says nothing about what it did
// and a ServiceStack-style error answer (HTTP 200, responseStatus.errorCode) for a failed upload.
import type { UploadResult } from './types.js';

export type AnswerShape = 'flat' | 'nested' | 'count-only' | 'empty';

export function shapeAnswer(result: UploadResult, shape: AnswerShape): unknown {
  switch (shape) {
    case 'flat':
      return result;
    case 'nested':
      return {
        result: {
          received: result.received,
          accepted: result.received - result.errors.length,
          rejectedCount: result.errors.length,
          failedRows: result.errors.map((error) => ({ row: error.line, ...(error.email === undefined ? {} : { email: error.email }), reason: error.message })),
          deactivatedCount: result.disabled,
        },
      };
    case 'count-only':
      return { result: { rejectedCount: result.errors.length, deactivated: result.disabled } };
    case 'empty':
      return {};
  }
}

/** What a ServiceStack service answers for a request it refused as a whole. */
export const SERVICESTACK_ERROR = {
  responseStatus: {
    errorCode: 'ValidationException',
    message: 'The address book is locked for maintenance',
    errors: [{ errorCode: 'Locked', fieldName: 'file', message: 'try again later' }],
  },
};
