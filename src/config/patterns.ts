// Shapes settings share: an AWS region name (us-east-1) and an E.164 phone number.
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
export const E164 = /^\+[1-9]\d{1,14}$/;
