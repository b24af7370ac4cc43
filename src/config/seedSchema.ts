// The config file's `seed`: pools with their app clients, groups and users, made at start-up
// through the operations themselves (src/seed.ts; docs/configuration.md, "Seeding").
import { z } from "zod";

const seedClient = z
  .object({
    ClientName: z.string().min(1),
    ClientId: z
      .string()
      .regex(/^[\w+]{1,128}$/, "must match [\\w+]+ (1..128 characters)")
      .optional(),
    ClientSecret: z
      .string()
      .regex(/^[\w+]{24,64}$/, "must match [\\w+]+ with 24..64 characters")
      .optional(),
  })
  .catchall(z.unknown());

const seedAttributes = z.union([
  z.array(z.object({ Name: z.string().min(1), Value: z.string() })),
  // The short form: {email: "a@example.com", email_verified: "true"}.
  z
    .record(z.string(), z.string())
    .transform((m) => Object.entries(m).map(([Name, Value]) => ({ Name, Value }))),
]);

const seedUser = z
  .object({
    Username: z.string().min(1),
    Password: z.string().min(1).optional(),
    TemporaryPassword: z.string().min(1).optional(),
    UserAttributes: seedAttributes.optional(),
    Groups: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((u) => u.Password === undefined || u.TemporaryPassword === undefined, {
    message: "give Password (permanent) or TemporaryPassword, not both",
  });

const seedGroup = z
  .object({
    GroupName: z.string().min(1),
    Description: z.string().optional(),
    RoleArn: z.string().optional(),
    Precedence: z.number().int().min(0).optional(),
  })
  .strict();

export const seedPool = z
  .object({
    PoolName: z.string().min(1),
    Id: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, "must look like us-east-1_AbC123 ([\\w-]+_[0-9a-zA-Z]+)")
      .max(55)
      .optional(),
    Clients: z.array(seedClient).default([]),
    /** Groups, then users (made by AdminCreateUser) and their memberships. */
    Groups: z.array(seedGroup).default([]),
    Users: z.array(seedUser).default([]),
  })
  .catchall(z.unknown());
