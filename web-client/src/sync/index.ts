// The sync engine's public surface: framework-free, usable from any view layer or a test.
export * from './types';
export { apply_event, empty_state, normalize_state, report_of } from './reducer';
export type { ReduceContext } from './reducer';
export { SyncClient, backoff_delay, outbox_key, protocol_name } from './sync_client';
export type { SocketLike, StorageLike, SyncOptions, SyncEvent, QueuedCommand, RoomView } from './sync_client';
export { room_limits } from './rooms';
export { thread_of } from './threads';
export * from './commands';
