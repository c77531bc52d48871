import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CodedError } from './errors.ts';

/**
 * AES-256-GCM for secrets at rest. Stored form: `v1:<iv>:<tag>:<ciphertext>` (base64 parts), so a
 * future key rotation can tell formats apart. The additional data binds a ciphertext to the row it
 * belongs to: a token copied into another data source's row does not decrypt.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.#key = Buffer.from(key);
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open(sealed: string, associatedData: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) {
      throw new CodedError('SECRET_UNREADABLE', 'A stored token could not be read; enter the token again.');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch (cause) {
      throw new CodedError(
        'SECRET_UNREADABLE',
        'A stored token could not be decrypted (was ENCRYPTION_KEY changed?); enter the token again.',
        { cause },
      );
    }
  }
}
