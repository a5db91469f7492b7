-- AlterTable
ALTER TABLE "trigger" ADD COLUMN     "providerWebhookId" TEXT,
ADD COLUMN     "secretCiphertext" TEXT,
ADD COLUMN     "secretKeyId" TEXT;
