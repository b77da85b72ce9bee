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
  /** false when the upload check refused the file and removed it from the store */
  has_file?: boolean;
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

// ---- parts (issue 12): the lookup API's answer and the parts collections ----

/** An amount of money; label is the price file's header for it ("UPE"), where known. */
export interface Money {
  amount: number;
  currency: string;
  label?: string;
}

/** Where a part's data comes from: a row of a price file or catalog. */
export interface PartSource {
  document: string;
  title: string;
  row?: number;
  sheet?: string;
  url?: string;
}

export type PartStatus = 'current' | 'superseded' | 'discontinued';

/** A part as the lookup API (and the parts collection) gives it. */
export interface Part {
  id: string;
  /** the number as the brand prints it */
  part_number: string;
  /** the normalised number (no spaces or dashes) */
  key: string;
  brand: string;
  description: string;
  /** "list", "net", and any other price columns by name */
  prices: Record<string, Money> | null;
  core_charge: Money | null;
  pack_qty: number | null;
  min_order: number | null;
  price_group: string;
  returnable: boolean | null;
  weight_kg: number | null;
  status: PartStatus;
  source: PartSource | null;
}

/** A part of a replacement set, with how many of it replace one of the old. */
export interface SetPart extends Part {
  qty: number;
}

export type MatchKind = 'exact' | 'short' | 'base';
export type ChainProblem = '' | 'loop' | 'dead_end' | 'too_long';

/** A part found for a number someone asked about (the contract's "Match"). */
export interface PartMatch extends Part {
  match: MatchKind;
  /** display numbers, oldest first, ending at the current part */
  chain: string[];
  chain_problem: ChainProblem;
  chain_message: string;
  /** the part to order: the match itself when it is current */
  current: Part | null;
  replaced_by: { kind: 'all_of' | 'one_of'; parts: SetPart[] } | null;
}

/** GET /api/parts/lookup?q= */
export interface LookupResult {
  query: string;
  numbers: string[];
  matches: PartMatch[];
  did_you_mean: Part[];
  not_found: string[];
  message: string;
}

/** One price of a part over a time (the part_prices collection). */
export interface PartPrice extends RecordModel {
  part: string;
  /** "list", "net", or the header of another price column */
  name: string;
  label: string;
  amount: number;
  currency: string;
  valid_from: string;
  /** "" while still valid */
  valid_to: string;
  document: string;
  expand?: { document?: Pick<Doc, 'id' | 'title' | 'filename'> };
}

/** The targets a price file's column can be mapped to. */
export type PriceField =
  | 'part_number'
  | 'brand'
  | 'description'
  | 'price_list'
  | 'price_net'
  | 'price_other'
  | 'currency'
  | 'core_charge'
  | 'pack_qty'
  | 'min_order'
  | 'price_group'
  | 'returnable'
  | 'weight'
  | 'superseded_by'
  | 'supersedes'
  | 'qty_ratio'
  | 'interchange'
  | 'supersession_date'
  | 'price_unit'
  | 'ignore';

export interface MappingColumn {
  index: number;
  header: string;
  field: PriceField;
}

/** Which column of a price file holds which field (remembered per supplier). */
export interface PriceMapping {
  columns: MappingColumn[];
  default_brand: string;
  currency: string;
}

export type ImportStatus = 'running' | 'done' | 'needs_mapping' | 'failed';

export interface ImportCounts {
  rows?: number;
  parts_added?: number;
  parts_changed?: number;
  parts_unchanged?: number;
  prices_changed?: number;
  discontinued?: number;
  supersessions_added?: number;
  duplicates?: number;
  errors?: number;
}

export interface PriceChange {
  part_number: string;
  brand: string;
  name: string;
  old: number;
  new: number;
  currency: string;
  change_pct: number;
}

export interface NewSupersession {
  from: string;
  to: string | string[];
  kind: string;
}

export interface RowError {
  sheet: string;
  line: number;
  message: string;
}

export interface Duplicate {
  part_number: string;
  lines: number[];
}

/** One import of a price file or catalog into the parts catalog (the part_imports collection). */
export interface PartImport extends RecordModel {
  document: string;
  status: ImportStatus;
  message: string;
  signature: string;
  /** the header row of each sheet */
  headers: unknown;
  mapping: PriceMapping | null;
  counts: ImportCounts | null;
  price_changes: PriceChange[] | null;
  new_supersessions: NewSupersession[] | null;
  row_errors: RowError[] | null;
  duplicates: Duplicate[] | null;
  started: string;
  finished: string;
  created: string;
  updated: string;
}
