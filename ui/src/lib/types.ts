import type { RecordModel } from 'pocketbase';

export type Role = 'admin' | 'manager' | 'member';

export interface User extends RecordModel {
  email: string;
  name: string;
  tenant: string;
  role: Role;
  active: boolean;
}

export interface Tenant extends RecordModel {
  name: string;
  slug: string;
  status: 'active' | 'suspended';
  system_prompt: string;
  allowed_file_types: string[];
  max_upload_mb: number;
  storage_quota_mb: number;
  monthly_message_quota: number;
  timezone: string;
  report_schedule: string;
  report_recipients: string[] | null;
  /** whether conversation exports may hold the messages' text */
  export_message_text: boolean;
}

export type DocumentStatus = 'pending_upload' | 'uploaded' | 'processing' | 'ready' | 'failed';

export interface Doc extends RecordModel {
  tenant: string;
  uploaded_by: string;
  title: string;
  filename: string;
  content_type: string;
  size: number;
  status: DocumentStatus;
  error: string;
  category: string;
  tags: string[] | null;
  description: string;
  pages: number;
  rows: number;
  chunks: number;
  processed_at: string;
  created: string;
  updated: string;
  expand?: { uploaded_by?: User };
}

export interface AuditEntry extends RecordModel {
  actor: string;
  actor_name: string;
  action: string;
  target: string;
  summary: unknown;
  ip: string;
  created: string;
}

export const CATEGORIES = ['catalog', 'price_list', 'bulletin', 'manual', 'other'] as const;
export const FILE_TYPES = ['pdf', 'docx', 'xlsx', 'csv', 'txt', 'md'] as const;
export const ROLES: Role[] = ['admin', 'manager', 'member'];
