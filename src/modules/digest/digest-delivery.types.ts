/* The shapes of digest delivery: what is posted where, who holds the right to post it, and how it went. */

export interface DeliverySchedule {
  id: string;
  workspaceId: string;
  channelId: string;
  timezone: string;
  includedUserIds: string[];
  /** The admin who set the digest: told when it cannot be posted. */
  createdBy: string;
}

/** The right to post one schedule's digest for one local date, proven by a unique token. */
export interface DeliveryClaim {
  deliveryId: string;
  localDate: string;
  token: string;
  attempt: number;
}

export type DeliveryOutcome =
  | { status: 'posted'; deliveryId: string; ts: string; messages: number; replyError?: string }
  | {
      status: 'failed';
      deliveryId: string;
      error: string;
      attempt: number;
      willRetry: boolean;
      adminNotified: boolean;
    }
  /** Another process took the claim over (this one was too slow): it posts, this one does not. */
  | { status: 'lost-claim'; deliveryId: string };

export interface RetryCandidate {
  deliveryId: string;
  status: 'claimed' | 'failed';
  attempts: number;
  claimedBy: string;
  localDate: string;
  schedule: DeliverySchedule;
}
