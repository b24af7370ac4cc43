// The nine group operations through the AWS SDK v3: GroupType members, Precedence, RoleArn,
// Description, paging with signed tokens, Cognito's errors, and memberships cleaned when a
// group or a user is deleted.
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminListGroupsForUserCommand,
  type AdminListGroupsForUserCommandOutput,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  ListGroupsCommand,
  type ListGroupsCommandOutput,
  ListUsersInGroupCommand,
  type ListUsersInGroupCommandOutput,
  SignUpCommand,
  UpdateGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { runPython } from "../helpers/python.js";
import { startServer, type TestServer } from "../helpers/server.js";

const ROLE = "arn:aws:iam::123456789012:role/admins";

async function signUp(sdk: CognitoIdentityProviderClient, clientId: string, username: string) {
  await sdk.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD }));
}

describe("groups", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it("CreateGroup, GetGroup, UpdateGroup keep Description, RoleArn and Precedence; absent members are omitted", async () => {
    const { poolId } = await makePool(s.sdk);
    const before = Date.now() / 1000;
    const created = await s.sdk.send(
      new CreateGroupCommand({
        UserPoolId: poolId,
        GroupName: "admins",
        Description: "The admins",
        RoleArn: ROLE,
        Precedence: 3,
      }),
    );
    expect(created.Group).toMatchObject({
      GroupName: "admins",
      UserPoolId: poolId,
      Description: "The admins",
      RoleArn: ROLE,
      Precedence: 3,
    });
    const created1 = created.Group?.CreationDate?.getTime() ?? 0;
    expect(created1 / 1000).toBeGreaterThanOrEqual(Math.floor(before));
    expect(created.Group?.LastModifiedDate).toEqual(created.Group?.CreationDate);

    const bare = await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "bare" }));
    expect(Object.keys(bare.Group ?? {}).sort()).toEqual([
      "CreationDate",
      "GroupName",
      "LastModifiedDate",
      "UserPoolId",
    ]);

    const got = await s.sdk.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: "admins" }));
    expect(got.Group).toEqual(created.Group);

    // Only the members sent change.
    const upd = await s.sdk.send(
      new UpdateGroupCommand({ UserPoolId: poolId, GroupName: "admins", Precedence: 0 }),
    );
    expect(upd.Group).toMatchObject({ Description: "The admins", RoleArn: ROLE, Precedence: 0 });
    const upd2 = await s.sdk.send(
      new UpdateGroupCommand({ UserPoolId: poolId, GroupName: "admins", Description: "Changed" }),
    );
    expect(upd2.Group).toMatchObject({ Description: "Changed", RoleArn: ROLE, Precedence: 0 });
    expect(upd2.Group?.CreationDate).toEqual(created.Group?.CreationDate);
    const again = await s.sdk.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: "admins" }));
    expect(again.Group).toEqual(upd2.Group);
  });

  it("answers GroupExistsException, Group not found. and the model's validation errors", async () => {
    const { poolId } = await makePool(s.sdk);
    await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "g" }));
    await expectError(
      s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "g" })),
      "GroupExistsException",
      "A group with the name g already exists.",
    );
    // Names are case-sensitive.
    await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "G" }));
    for (const call of [
      () => s.sdk.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: "nope" })),
      () => s.sdk.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: "nope", Precedence: 1 })),
      () => s.sdk.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: "nope" })),
      () => s.sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "nope" })),
      () =>
        s.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: "nope", Username: "x" })),
      () =>
        s.sdk.send(
          new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: "nope", Username: "x" }),
        ),
    ]) {
      await expectError(call(), "ResourceNotFoundException", "Group not found.");
    }
    await expectError(
      s.sdk.send(new GetGroupCommand({ UserPoolId: "us-east-1_nothere00", GroupName: "g" })),
      "ResourceNotFoundException",
    );
    await expectError(
      s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "r", RoleArn: "not-an-arn" })),
      "InvalidParameterException",
      /roleArn/,
    );
    await expectError(
      s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "p", Precedence: -1 })),
      "InvalidParameterException",
      /precedence/,
    );
    await expectError(
      s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "a b" })),
      "InvalidParameterException",
      /groupName/,
    );
  });

  it("adds and removes members idempotently; unknown users are UserNotFoundException", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await signUp(s.sdk, clientId, "ann");
    await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "g1", Precedence: 2 }));
    await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "g2" }));
    const add = (g: string, u = "ann") =>
      s.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: g, Username: u }));
    const groupsOf = async (u = "ann") =>
      (await s.sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: u }))).Groups?.map(
        (g) => g.GroupName,
      );
    await add("g2");
    await add("g1");
    await add("g1");
    expect(await groupsOf()).toEqual(["g1", "g2"]);
    const listed = await s.sdk.send(
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "ann" }),
    );
    expect(listed.Groups?.[0]).toMatchObject({ GroupName: "g1", Precedence: 2, UserPoolId: poolId });
    expect(listed.NextToken).toBeUndefined();

    await s.sdk.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: "g1", Username: "ann" }),
    );
    // Removing a non-member is not an error.
    await s.sdk.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: "g1", Username: "ann" }),
    );
    expect(await groupsOf()).toEqual(["g2"]);

    await expectError(add("g1", "ghost"), "UserNotFoundException", "User does not exist.");
    await expectError(
      s.sdk.send(
        new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: "g1", Username: "ghost" }),
      ),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(groupsOf("ghost"), "UserNotFoundException", "User does not exist.");

    const inGroup = await s.sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "g2" }));
    expect(inGroup.Users?.map((u) => u.Username)).toEqual(["ann"]);
    expect(inGroup.Users?.[0]?.UserStatus).toBe("UNCONFIRMED");
    expect(inGroup.Users?.[0]?.Attributes?.[0]?.Name).toBe("sub");
  });

  it("deleting a group or a user removes the memberships", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await signUp(s.sdk, clientId, "bo");
    await signUp(s.sdk, clientId, "cy");
    for (const g of ["keep", "drop"]) {
      await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g }));
      for (const u of ["bo", "cy"]) {
        await s.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: g, Username: u }));
      }
    }
    // A group with members can be deleted.
    await s.sdk.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: "drop" }));
    const bo = await s.sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "bo" }));
    expect(bo.Groups?.map((g) => g.GroupName)).toEqual(["keep"]);
    // A new group of the old name starts empty.
    await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "drop" }));
    const fresh = await s.sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "drop" }));
    expect(fresh.Users).toEqual([]);

    await s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: "cy" }));
    const keep = await s.sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "keep" }));
    expect(keep.Users?.map((u) => u.Username)).toEqual(["bo"]);
    // A new user of the old name is in no group.
    await signUp(s.sdk, clientId, "cy");
    const cy = await s.sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "cy" }));
    expect(cy.Groups).toEqual([]);
    const rows = await s.query("SELECT COUNT(*) AS n FROM group_members WHERE pool_id = ?", [poolId]);
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it("pages ListGroups, ListUsersInGroup and AdminListGroupsForUser with Limit and NextToken", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    const names = Array.from({ length: 25 }, (_, i) => `grp-${String(i).padStart(2, "0")}`);
    for (const g of names) await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g }));
    const users = Array.from({ length: 13 }, (_, i) => `u${String(i).padStart(2, "0")}`);
    for (const u of users) {
      await signUp(s.sdk, clientId, u);
      await s.sdk.send(
        new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: "grp-00", Username: u }),
      );
    }
    for (const g of names) {
      await s.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: g, Username: "u00" }));
    }

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r: ListGroupsCommandOutput = await s.sdk.send(
        new ListGroupsCommand({ UserPoolId: poolId, Limit: 10, NextToken: token }),
      );
      seen.push(...(r.Groups ?? []).map((g) => g.GroupName ?? ""));
      token = r.NextToken;
      pages++;
      // A group added while paging, after the current position, still shows up once.
      if (pages === 1) await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: "zz-late" }));
    } while (token);
    expect(seen).toEqual([...names, "zz-late"]);
    expect(pages).toBe(3);

    // Without Limit, up to 60 at once.
    const all = await s.sdk.send(new ListGroupsCommand({ UserPoolId: poolId }));
    expect(all.Groups).toHaveLength(26);
    expect(all.NextToken).toBeUndefined();

    const members: string[] = [];
    token = undefined;
    do {
      const r: ListUsersInGroupCommandOutput = await s.sdk.send(
        new ListUsersInGroupCommand({
          UserPoolId: poolId,
          GroupName: "grp-00",
          Limit: 5,
          NextToken: token,
        }),
      );
      members.push(...(r.Users ?? []).map((u) => u.Username ?? ""));
      token = r.NextToken;
    } while (token);
    expect(members).toEqual(users);

    const mine: string[] = [];
    token = undefined;
    do {
      const r: AdminListGroupsForUserCommandOutput = await s.sdk.send(
        new AdminListGroupsForUserCommand({
          UserPoolId: poolId,
          Username: "u00",
          Limit: 7,
          NextToken: token,
        }),
      );
      mine.push(...(r.Groups ?? []).map((g) => g.GroupName ?? ""));
      token = r.NextToken;
    } while (token);
    expect(mine).toEqual(names);

    // A token is bound to its list: tampered, foreign or made-up ones are refused cleanly.
    const first = await s.sdk.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 2 }));
    const t = first.NextToken ?? "";
    expect(t).not.toBe("");
    const other = await makePool(s.sdk);
    await expectError(
      s.sdk.send(new ListGroupsCommand({ UserPoolId: other.poolId, NextToken: t })),
      "InvalidParameterException",
    );
    await expectError(
      s.sdk.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: "grp-00", NextToken: t })),
      "InvalidParameterException",
    );
    await expectError(
      s.sdk.send(new ListGroupsCommand({ UserPoolId: poolId, NextToken: `x${t.slice(1)}` })),
      "InvalidParameterException",
    );
    await expectError(
      s.sdk.send(new ListGroupsCommand({ UserPoolId: poolId, NextToken: "garbage" })),
      "InvalidParameterException",
    );
  });

  it("boto3: the nine operations, their paginators and errors", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    for (const u of ["pa", "pb", "pc"]) await signUp(s.sdk, clientId, u);
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
url, pool = sys.argv[1], sys.argv[2]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
def err(f):
    try:
        f()
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
g = c.create_group(GroupName="ops", UserPoolId=pool, Description="Ops", RoleArn="${ROLE}", Precedence=5)["Group"]
out["created"] = {k: g[k] for k in ("GroupName", "Description", "RoleArn", "Precedence")}
out["dates"] = type(g["CreationDate"]).__name__
for i in range(7):
    c.create_group(GroupName="team-%d" % i, UserPoolId=pool)
out["exists"] = err(lambda: c.create_group(GroupName="ops", UserPoolId=pool))
out["updated"] = c.update_group(GroupName="ops", UserPoolId=pool, Precedence=1)["Group"]["Precedence"]
out["get"] = c.get_group(GroupName="ops", UserPoolId=pool)["Group"]["Description"]
for u in ("pa", "pb", "pc"):
    c.admin_add_user_to_group(UserPoolId=pool, Username=u, GroupName="ops")
c.admin_add_user_to_group(UserPoolId=pool, Username="pa", GroupName="team-3")
names = []
for page in c.get_paginator("list_groups").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 3}):
    names += [x["GroupName"] for x in page["Groups"]]
out["groups"] = names
users = []
for page in c.get_paginator("list_users_in_group").paginate(UserPoolId=pool, GroupName="ops", PaginationConfig={"PageSize": 2}):
    users += [x["Username"] for x in page["Users"]]
out["members"] = users
mine = []
for page in c.get_paginator("admin_list_groups_for_user").paginate(UserPoolId=pool, Username="pa", PaginationConfig={"PageSize": 1}):
    mine += [x["GroupName"] for x in page["Groups"]]
out["mine"] = mine
c.admin_remove_user_from_group(UserPoolId=pool, Username="pa", GroupName="ops")
out["after_remove"] = [x["GroupName"] for x in c.admin_list_groups_for_user(UserPoolId=pool, Username="pa")["Groups"]]
out["no_user"] = err(lambda: c.admin_add_user_to_group(UserPoolId=pool, Username="nobody", GroupName="ops"))
out["no_group"] = err(lambda: c.get_group(GroupName="none", UserPoolId=pool))
c.delete_group(GroupName="ops", UserPoolId=pool)
out["deleted"] = err(lambda: c.delete_group(GroupName="ops", UserPoolId=pool))
out["bad_token"] = err(lambda: c.list_groups(UserPoolId=pool, NextToken="forged"))[0]
print(json.dumps(out))
`;
    const out = await runPython(script, [s.url, poolId]);
    expect(out.created).toEqual({ GroupName: "ops", Description: "Ops", RoleArn: ROLE, Precedence: 5 });
    expect(out.dates).toBe("datetime");
    expect(out.exists).toEqual(["GroupExistsException", "A group with the name ops already exists."]);
    expect(out.updated).toBe(1);
    expect(out.get).toBe("Ops");
    expect(out.groups).toEqual(["ops", ...Array.from({ length: 7 }, (_, i) => `team-${i}`)]);
    expect(out.members).toEqual(["pa", "pb", "pc"]);
    expect(out.mine).toEqual(["ops", "team-3"]);
    expect(out.after_remove).toEqual(["team-3"]);
    expect(out.no_user).toEqual(["UserNotFoundException", "User does not exist."]);
    expect(out.no_group).toEqual(["ResourceNotFoundException", "Group not found."]);
    expect(out.deleted).toEqual(["ResourceNotFoundException", "Group not found."]);
    expect(out.bad_token).toBe("InvalidParameterException");
  });
});
