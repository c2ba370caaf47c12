export * from './topics';
export * from './transport.port';
export * from './cloud-event';
export * from './json-length';
export * from './event-publisher';
export * from './kafka/kafka-transport';
export * from './in-process/in-process-transport';
export * from './outbox-relay';
