// The operations Cognate implements. This list is the support matrix: the README's table is
// generated from it (scripts/gen-readme-table.mjs), and any model operation missing here is
// answered with a clear "not supported" error.

import { AddCustomAttributes } from "./AddCustomAttributes.js";
import { AdminAddUserToGroup } from "./AdminAddUserToGroup.js";
import { AdminConfirmSignUp } from "./AdminConfirmSignUp.js";
import { AdminCreateUser } from "./AdminCreateUser.js";
import { AdminDeleteUser } from "./AdminDeleteUser.js";
import { AdminDeleteUserAttributes } from "./AdminDeleteUserAttributes.js";
import { AdminDisableUser } from "./AdminDisableUser.js";
import { AdminEnableUser } from "./AdminEnableUser.js";
import { AdminForgetDevice } from "./AdminForgetDevice.js";
import { AdminGetDevice } from "./AdminGetDevice.js";
import { AdminGetUser } from "./AdminGetUser.js";
import { AdminInitiateAuth } from "./AdminInitiateAuth.js";
import { AdminListDevices } from "./AdminListDevices.js";
import { AdminListGroupsForUser } from "./AdminListGroupsForUser.js";
import { AdminListUserAuthEvents } from "./AdminListUserAuthEvents.js";
import { AdminRemoveUserFromGroup } from "./AdminRemoveUserFromGroup.js";
import { AdminResetUserPassword } from "./AdminResetUserPassword.js";
import { AdminRespondToAuthChallenge } from "./AdminRespondToAuthChallenge.js";
import { AdminSetUserMFAPreference } from "./AdminSetUserMFAPreference.js";
import { AdminSetUserPassword } from "./AdminSetUserPassword.js";
import { AdminUpdateAuthEventFeedback } from "./AdminUpdateAuthEventFeedback.js";
import { AdminUpdateDeviceStatus } from "./AdminUpdateDeviceStatus.js";
import { AdminUpdateUserAttributes } from "./AdminUpdateUserAttributes.js";
import { AdminUserGlobalSignOut } from "./AdminUserGlobalSignOut.js";
import { AssociateSoftwareToken } from "./AssociateSoftwareToken.js";
import { ChangePassword } from "./ChangePassword.js";
import { ConfirmDevice } from "./ConfirmDevice.js";
import { ConfirmForgotPassword } from "./ConfirmForgotPassword.js";
import { ConfirmSignUp } from "./ConfirmSignUp.js";
import { CreateGroup } from "./CreateGroup.js";
import { CreateUserPool } from "./CreateUserPool.js";
import { CreateUserPoolClient } from "./CreateUserPoolClient.js";
import { DeleteGroup } from "./DeleteGroup.js";
import { DeleteUser } from "./DeleteUser.js";
import { DeleteUserAttributes } from "./DeleteUserAttributes.js";
import { DeleteUserPool } from "./DeleteUserPool.js";
import { DeleteUserPoolClient } from "./DeleteUserPoolClient.js";
import { DescribeUserPool } from "./DescribeUserPool.js";
import { DescribeUserPoolClient } from "./DescribeUserPoolClient.js";
import type { Operation } from "./define.js";
import { ForgetDevice } from "./ForgetDevice.js";
import { ForgotPassword } from "./ForgotPassword.js";
import { GetDevice } from "./GetDevice.js";
import { GetGroup } from "./GetGroup.js";
import { GetTokensFromRefreshToken } from "./GetTokensFromRefreshToken.js";
import { GetUser } from "./GetUser.js";
import { GetUserAttributeVerificationCode } from "./GetUserAttributeVerificationCode.js";
import { GetUserPoolMfaConfig } from "./GetUserPoolMfaConfig.js";
import { GlobalSignOut } from "./GlobalSignOut.js";
import { InitiateAuth } from "./InitiateAuth.js";
import { ListDevices } from "./ListDevices.js";
import { ListGroups } from "./ListGroups.js";
import { ListUserPoolClients } from "./ListUserPoolClients.js";
import { ListUserPools } from "./ListUserPools.js";
import { ListUsers } from "./ListUsers.js";
import { ListUsersInGroup } from "./ListUsersInGroup.js";
import { ResendConfirmationCode } from "./ResendConfirmationCode.js";
import { RespondToAuthChallenge } from "./RespondToAuthChallenge.js";
import { RevokeToken } from "./RevokeToken.js";
import { SetUserMFAPreference } from "./SetUserMFAPreference.js";
import { SetUserPoolMfaConfig } from "./SetUserPoolMfaConfig.js";
import { SignUp } from "./SignUp.js";
import { UpdateDeviceStatus } from "./UpdateDeviceStatus.js";
import { UpdateGroup } from "./UpdateGroup.js";
import { UpdateUserAttributes } from "./UpdateUserAttributes.js";
import { UpdateUserPool } from "./UpdateUserPool.js";
import { UpdateUserPoolClient } from "./UpdateUserPoolClient.js";
import { VerifySoftwareToken } from "./VerifySoftwareToken.js";
import { VerifyUserAttribute } from "./VerifyUserAttribute.js";

export const OPERATIONS: readonly Operation[] = [
  // The sign-up confirmation lifecycle.
  SignUp,
  ResendConfirmationCode,
  ConfirmSignUp,
  AdminConfirmSignUp,
  // Account recovery and self-service (docs/recovery.md).
  ForgotPassword,
  ConfirmForgotPassword,
  AdminResetUserPassword,
  AdminUpdateUserAttributes,
  AdminDeleteUserAttributes,
  ChangePassword,
  UpdateUserAttributes,
  GetUserAttributeVerificationCode,
  VerifyUserAttribute,
  DeleteUserAttributes,
  DeleteUser,
  // User pools and app clients.
  CreateUserPool,
  DescribeUserPool,
  UpdateUserPool,
  DeleteUserPool,
  ListUserPools,
  CreateUserPoolClient,
  DescribeUserPoolClient,
  UpdateUserPoolClient,
  DeleteUserPoolClient,
  ListUserPoolClients,
  // Users, read side.
  AdminGetUser,
  ListUsers,
  AdminDeleteUser,
  AdminDisableUser,
  AdminEnableUser,
  AdminCreateUser,
  AdminSetUserPassword,
  AdminListUserAuthEvents,
  AdminUpdateAuthEventFeedback,
  AddCustomAttributes,
  // Groups.
  CreateGroup,
  GetGroup,
  UpdateGroup,
  DeleteGroup,
  ListGroups,
  AdminAddUserToGroup,
  AdminRemoveUserFromGroup,
  AdminListGroupsForUser,
  ListUsersInGroup,
  // Sign-in and tokens.
  InitiateAuth,
  AdminInitiateAuth,
  RespondToAuthChallenge,
  AdminRespondToAuthChallenge,
  GetTokensFromRefreshToken,
  GetUser,
  GlobalSignOut,
  AdminUserGlobalSignOut,
  RevokeToken,
  // MFA (software tokens).
  SetUserPoolMfaConfig,
  GetUserPoolMfaConfig,
  AssociateSoftwareToken,
  VerifySoftwareToken,
  SetUserMFAPreference,
  AdminSetUserMFAPreference,
  // Remembered devices (docs/devices.md).
  ConfirmDevice,
  GetDevice,
  ListDevices,
  UpdateDeviceStatus,
  ForgetDevice,
  AdminGetDevice,
  AdminListDevices,
  AdminUpdateDeviceStatus,
  AdminForgetDevice,
];

export function operationMap(ops: readonly Operation[] = OPERATIONS): ReadonlyMap<string, Operation> {
  return new Map(ops.map((o) => [o.name, o]));
}
