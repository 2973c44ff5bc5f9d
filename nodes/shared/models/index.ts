// Typed models of the X API objects the nodes use, written from the vendored OpenAPI subset
// (test/emulator/x-api-v2-dm.openapi.json), with decoders that check a response before it is trusted.
export type { DmEvent, DmEventList, PageMeta, PostReference } from './dm-event';
export { decodeDmEvent, decodeDmEventList, isDmEvent } from './dm-event';
export type { XIncludes, XPost } from './includes';
export { decodeIncludes, mergeIncludes } from './includes';
export { isRecord, isXId, records } from './json';
export type { MediaUploadData, ProcessingInfo, ProcessingState, XMedia } from './media';
export { decodeMediaUpload } from './media';
export type { XProblem } from './problem';
export { decodeProblem, decodeProblems, hasProblems, problemType } from './problem';
export type { DmSendResult } from './send-result';
export { decodeDeleted, decodeSendResult } from './send-result';
export type { XUser } from './user';
export { decodeUser, decodeUsers, isXUser } from './user';
