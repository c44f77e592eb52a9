/** Input and output pieces shared by the webhooks procedures. */
import { z } from 'zod';
import { EVENT_TYPES } from '@/lib/events';
import { IsoDate } from '../schemas';

export const EventTypeSchema = z.enum(EVENT_TYPES, 'Unknown event type');
/** Empty means every event, including types added later. */
export const EventListSchema = z.array(EventTypeSchema).max(EVENT_TYPES.length * 2, 'Too many event types');
/** The length limit (2048) and the scheme rules are checked by the service, with a typed error. */
export const WebhookUrlSchema = z.string().trim().min(1, 'Enter the URL').max(8192, 'Webhook URLs can be at most 2048 characters long');
export const LimitSchema = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

export const DeliveryOut = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: IsoDate,
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
