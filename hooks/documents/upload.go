package documents

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/internal/blob"
	"counterpart/internal/extract"
)

// sniffBytes is how much of an uploaded file is read to check its type.
const sniffBytes = 8192

// uploadRequest is the body of POST /api/documents/uploads.
type uploadRequest struct {
	Name        string   `json:"name"`
	Size        int64    `json:"size"`
	Type        string   `json:"type"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	Tags        []string `json:"tags"`
	Description string   `json:"description"`
}

// uploadResponse tells the browser where to PUT the file.
type uploadResponse struct {
	Document map[string]any `json:"document"`
	Upload   struct {
		URL     string            `json:"url"`
		Method  string            `json:"method"`
		Headers map[string]string `json:"headers"`
		Expires time.Time         `json:"expires"`
	} `json:"upload"`
}

func (f *feature) handleCreateUpload(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.Member)
	if err != nil {
		return err
	}
	var in uploadRequest
	if err := e.BindBody(&in); err != nil {
		return e.BadRequestError("The request body must be JSON with name, size and type.", nil)
	}
	tenant, err := e.App.FindRecordById("tenants", user.GetString("tenant"))
	if err != nil {
		return e.NotFoundError("Your tenant was not found.", nil)
	}

	name := blob.SanitizeFileName(in.Name)
	errs := validation.Errors{}
	if strings.TrimSpace(in.Name) == "" {
		errs["name"] = validation.NewError("validation_required", "Give the file's name.")
	}
	kind, typeErr := uploadKind(in.Type, name)
	if typeErr != "" {
		errs["type"] = validation.NewError("validation_invalid_type", typeErr)
	} else if !slices.Contains(tenant.GetStringSlice("allowed_file_types"), kind) {
		errs["type"] = validation.NewError("validation_type_not_allowed", fmt.Sprintf(
			"%s files are not allowed in %s; allowed: %s. A tenant admin can change this in the settings.",
			strings.ToUpper(kind), tenant.GetString("name"), strings.Join(tenant.GetStringSlice("allowed_file_types"), ", ")))
	}
	maxBytes := int64(tenant.GetInt("max_upload_mb")) << 20
	switch {
	case in.Size <= 0:
		errs["size"] = validation.NewError("validation_empty_file", "The file is empty.")
	case in.Size > maxBytes:
		errs["size"] = validation.NewError("validation_file_too_large", fmt.Sprintf(
			"The file is %s; the limit is %d MB.", HumanBytes(in.Size), tenant.GetInt("max_upload_mb")))
	}
	if err := validateMetadata(in.Title, in.Category, in.Tags, in.Description); err != nil {
		var ve validation.Errors
		if errors.As(err, &ve) {
			for k, v := range ve {
				errs[k] = v
			}
		}
	}
	if len(errs) > 0 {
		if _, tooLarge := errs["size"]; tooLarge && in.Size > 0 && len(errs) == 1 {
			return e.Error(http.StatusRequestEntityTooLarge, errs["size"].Error(), errs)
		}
		return e.BadRequestError("Check the highlighted fields.", errs)
	}
	if quota := int64(tenant.GetInt("storage_quota_mb")) << 20; quota > 0 {
		used, err := StorageUsed(e.App, tenant.Id)
		if err != nil {
			return e.InternalServerError("", err)
		}
		if used+in.Size > quota {
			return e.Error(http.StatusRequestEntityTooLarge, fmt.Sprintf(
				"The storage quota of %s is used up: %s of %d MB used, and this file needs %s. Delete documents or ask IT to raise the quota.",
				tenant.GetString("name"), HumanBytes(used), tenant.GetInt("storage_quota_mb"), HumanBytes(in.Size)), nil)
		}
	}

	col, err := e.App.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return e.InternalServerError("", err)
	}
	doc := core.NewRecord(col)
	doc.Set("tenant", tenant.Id)
	doc.Set("uploaded_by", user.Id)
	doc.Set("filename", name)
	doc.Set("content_type", extract.ContentTypeOf(kind))
	doc.Set("size", in.Size)
	doc.Set("status", StatusPendingUpload)
	title := strings.TrimSpace(in.Title)
	if title == "" {
		title = strings.TrimSuffix(name, nameExt(name))
	}
	doc.Set("title", title)
	doc.Set("category", in.Category)
	doc.Set("tags", normalizeTags(in.Tags))
	doc.Set("description", in.Description)
	doc.Id = core.GenerateDefaultRandomId()
	key, err := blob.DocumentKey(tenant.Id, doc.Id, name)
	if err != nil {
		return e.InternalServerError("", err)
	}
	doc.Set("storage_key", key)
	if err := e.App.Save(doc); err != nil {
		return e.BadRequestError("The document could not be created.", err)
	}

	var out uploadResponse
	out.Upload.URL, err = f.Store.PresignPut(e.Request.Context(), key, f.UploadTTL, doc.GetString("content_type"))
	if err != nil {
		e.App.Logger().Error("presign upload", "document", doc.Id, "error", err)
		return e.InternalServerError("The file store could not be reached. Try again in a moment or tell IT.", nil)
	}
	out.Upload.Method = http.MethodPut
	out.Upload.Headers = map[string]string{"Content-Type": doc.GetString("content_type")}
	out.Upload.Expires = time.Now().Add(f.UploadTTL).UTC()
	out.Document = doc.PublicExport()
	return e.JSON(http.StatusCreated, out)
}

// uploadKind decides what kind of document an upload is from its name and
// declared type, or says why it is refused.
func uploadKind(declared, name string) (kind, refusal string) {
	byName := extract.KindOfName(name)
	byType, known := extract.KindOfType(declared)
	textual := func(k string) bool { return k == extract.KindTxt || k == extract.KindCSV || k == extract.KindMarkdown }
	switch {
	case byName == extract.KindUnknown && (!known || byType == ""):
		return "", fmt.Sprintf("%q is not a supported type. Upload PDF, Word (.docx), Excel (.xlsx), CSV, text or Markdown files.", declared)
	case byName == extract.KindUnknown:
		return byType, ""
	case !known && declared != "":
		return "", fmt.Sprintf("The type %q does not fit a %s file.", declared, strings.ToUpper(byName))
	case byType != "" && byType != byName && !(textual(byType) && textual(byName)):
		return "", fmt.Sprintf("The name says %s but the type says %s; rename the file or upload the right one.", strings.ToUpper(byName), strings.ToUpper(byType))
	}
	return byName, ""
}

// StorageUsed is the bytes a tenant's documents take, uploads in progress included.
func StorageUsed(app core.App, tenantID string) (int64, error) {
	var total struct {
		Sum int64 `db:"total"`
	}
	err := app.DB().Select("COALESCE(SUM(size), 0) AS total").From(Collection).
		Where(dbx.HashExp{"tenant": tenantID}).AndWhere(dbx.NewExp("status != 'failed'")).One(&total)
	if err != nil {
		return 0, fmt.Errorf("storage used by %s: %w", tenantID, err)
	}
	return total.Sum, nil
}

func (f *feature) handleComplete(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.Member)
	if err != nil {
		return err
	}
	doc, err := findOwn(e)
	if err != nil {
		return err
	}
	if doc.GetString("uploaded_by") != user.Id && !canEdit(user, doc) {
		return e.NotFoundError("This document does not exist or was deleted.", nil)
	}
	if doc.GetString("status") != StatusPendingUpload {
		return e.Error(http.StatusConflict, "This upload was already completed.", nil)
	}
	ctx := e.Request.Context()
	key := doc.GetString("storage_key")
	info, err := f.Store.Stat(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return e.BadRequestError("The file has not arrived in the store yet: upload it to the URL you were given, then complete the upload.", nil)
	}
	if err != nil {
		e.App.Logger().Error("stat upload", "document", doc.Id, "error", err)
		return e.InternalServerError("The file store could not be reached. Try again in a moment.", nil)
	}
	fail := func(reason string) error {
		if err := f.refuse(ctx, e.App, doc, reason); err != nil {
			return e.InternalServerError("", err)
		}
		return e.Error(http.StatusUnprocessableEntity, reason, nil)
	}
	if info.Size != int64(doc.GetInt("size")) {
		return fail(fmt.Sprintf("The stored file has %s but %s were announced; the upload was incomplete or a different file was sent. Upload it again.",
			HumanBytes(info.Size), HumanBytes(int64(doc.GetInt("size")))))
	}
	head, err := f.Store.ReadHead(ctx, key, sniffBytes)
	if err != nil {
		e.App.Logger().Error("read upload head", "document", doc.Id, "error", err)
		return e.InternalServerError("The file store could not be reached. Try again in a moment.", nil)
	}
	if !extract.Matches(doc.GetString("content_type"), head, doc.GetString("filename")) {
		return fail(fmt.Sprintf("The file's content is not %s as its name and type say: %s. Upload the right file.",
			strings.ToUpper(extract.KindOfName(doc.GetString("filename"))), describeContent(head, doc.GetString("filename"))))
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := SetState(tx, doc, map[string]any{"status": StatusUploaded, "error": ""}); err != nil {
			return err
		}
		_, err := f.Queue.Enqueue(tx, doc.GetString("tenant"), JobIngest, doc.Id, nil)
		return err
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, doc.PublicExport())
}

func describeContent(head []byte, name string) string {
	switch k := extract.Sniff(head, name); k {
	case extract.KindUnknown:
		return "it is not a document type Counterpart reads"
	default:
		return "it looks like " + strings.ToUpper(k)
	}
}

func nameExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// HumanBytes writes a size the way people read it ("12.5 MB").
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
