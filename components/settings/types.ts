import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/routers/_app';

type Out = inferRouterOutputs<AppRouter>;
export type WebhookView = Out['webhooks']['list'][number];
export type DeliveryView = Out['webhooks']['deliveries'][number];
