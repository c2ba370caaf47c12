import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** What every command's body is made of: ids, text fields, the optional idempotency key. */
/** Ids become part of stream names: letters, digits and . _ : - only. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const ID_MESSAGE =
  '$property must be 1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
export const IsId = (options: { each?: boolean } = {}) =>
  Matches(ID_PATTERN, { message: ID_MESSAGE, ...options });
export const SHORT = 200;
export const LONG = 4000;

export const Text = (max: number) => (target: object, key: string) => {
  IsString()(target, key);
  IsNotEmpty()(target, key);
  MaxLength(max)(target, key);
};
export const OptionalText = (max: number) => (target: object, key: string) => {
  IsOptional()(target, key);
  IsString()(target, key);
  MaxLength(max)(target, key);
};

/** Every command may carry its idempotency key in the body instead of the Idempotency-Key header. */
export class CommandDto {
  @ApiPropertyOptional({ description: 'Idempotency key; same as the Idempotency-Key header' })
  @IsOptional()
  @IsId()
  commandId?: string;
}
