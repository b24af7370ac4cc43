// Settings shared by the AWS SDK clients of the SES and SNS transports.

export interface AwsClientSettings {
  endpoint?: string | undefined;
  region?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  sessionToken?: string | undefined;
}

/**
 * Client options for one region. Static keys when configured, else the SDK's own chain
 * (environment, shared profile, instance role). One SDK attempt per outbox attempt: the
 * outbox does the retrying, durably and visibly.
 */
export function awsClientConfig(s: AwsClientSettings, region: string) {
  return {
    region,
    maxAttempts: 1,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.accessKeyId && s.secretAccessKey
      ? {
          credentials: {
            accessKeyId: s.accessKeyId,
            secretAccessKey: s.secretAccessKey,
            ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}),
          },
        }
      : {}),
  };
}

/** The region in an ARN (`arn:partition:service:region:account:…`), if it names one. */
export function arnRegion(arn: string | null): string | null {
  const region = arn?.split(":")[3];
  return region ? region : null;
}
