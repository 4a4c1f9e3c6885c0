#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "html_samples.h"
#include "log.h"
#include "rc.h"
#include "report_label.h"
#include "text.h"

/* the flipped items named in a flip count's tooltip (flips.csv has them all) */
#define HTML_FLIP_IDS 20
/* an embedded SVG plot larger than this is left out (gnuplot's are ~50 KB) */
#define MAX_SVG ((size_t)16 << 20)

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
	"max-width:1240px;padding:0 16px 48px;color:#1d232a;background:#fff}"
	"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #d8dee4;padding-bottom:4px}"
	".banner{background:#fff3cd;border:1px solid #e0c36a;padding:8px 12px;margin-top:12px;"
	"font-weight:600}.meta{color:#57606a;margin:0 0 8px}"
	"nav a{margin-right:14px}table{border-collapse:collapse;margin:6px 0;font-size:13px}"
	"th,td{padding:3px 8px;border-bottom:1px solid #e5e9ee;text-align:left;"
	"overflow-wrap:anywhere}td.n{white-space:nowrap}h3{font-size:15px;margin:18px 0 4px}"
	"th{background:#f3f5f7;position:sticky;top:0}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafbfc}"
	".wrap{overflow-x:auto}.ns{color:#8c959f;font-style:italic}"
	".plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}"
	"figure{margin:0;border:1px solid #e5e9ee;padding:6px}figure img{width:100%;height:auto}"
	"figcaption{font-size:12px;color:#57606a}"
	"#filters label{margin-right:12px;white-space:nowrap}#filters select{max-width:230px}"
	".pager{margin:8px 0}.pager button{padding:2px 10px}#rows tr{cursor:pointer}"
	"#rows tr:hover td,#rows tr.sel td{background:#ddf4ff}#stable{width:100%}"
	"#detail{border-top:2px solid #d8dee4;margin-top:8px}"
	"mark{background:#fff8c5;outline:1px solid #d4a72c}"
	"pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;"
	"border-radius:4px;max-height:420px;overflow:auto;font-size:12px}"
	".v{font-weight:600}.o-correct .v{color:#1a7f37}"
	".o-incorrect .v,.o-partial .v,.o-no_answer .v,.o-truncated .v{color:#cf222e}"
	".o-error .v{color:#9a6700}.o-ungraded .v{color:#57606a}"
	"#selftest{color:#57606a;font-size:12px}";

static const char script[] =
	"(function(){"
	"var D=null,V=[],page=0,PER=50,K=['suite','model','mode','outcome','lang'];"
	"function $(id){return document.getElementById(id);}"
	"function el(t,c,x){var e=document.createElement(t);if(c)e.className=c;"
	"if(x!=null)e.textContent=String(x);return e;}"
	"function load(){var t=$('tbdata');"
	"if(!t)return Promise.reject(new Error('No sample data in this page.'));"
	"if(typeof DecompressionStream!=='function')return Promise.reject(new Error('This browser can"
	"not decompress the sample data (no DecompressionStream); samples.csv has the samples.'));"
	"var s=atob(t.textContent.trim()),b=new Uint8Array(s.length);"
	"for(var i=0;i<s.length;i++)b[i]=s.charCodeAt(i);"
	"return new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'))).tex"
	"t().then(JSON.parse);}"
	"function wanted(){return K.map(function(k){var v=$('f-'+k).value;return v===''?-1:+v;});}"
	"function init(d){D=d;var f=$('filters');"
	"K.forEach(function(k){var s=el('select'),o=el('option',null,'every '+k),n=d[k+'s'];"
	"s.id='f-'+k;o.value='';s.appendChild(o);"
	"n.map(function(x,i){return i;}).sort(function(a,b){return n[a]<n[b]?-1:n[a]>n[b]?1:0;}"
	").forEach(function(i){"
	"var o=el('option',null,n[i]===''?'(none)':n[i]);o.value=String(i);s.appendChild(o);});"
	"s.addEventListener('change',function(){page=0;apply();});"
	"var l=el('label',null,k+' ');l.appendChild(s);f.appendChild(l);});"
	"$('prev').addEventListener('click',function(){if(page>0){page--;show();}});"
	"$('next').addEventListener('click',function(){if((page+1)*PER<V.length){page++;show();}});"
	"apply();}"
	"function apply(){var w=wanted();V=[];"
	"for(var i=0;i<D.rows.length;i++){var r=D.rows[i],ok=true;"
	"for(var j=0;j<5&&ok;j++)if(w[j]>=0&&r[j]!==w[j])ok=false;"
	"if(ok)V.push(i);}"
	"show();}"
	"function show(){var pages=Math.max(1,Math.ceil(V.length/PER)),a=page*PER,"
	"b=Math.min(V.length,a+PER),tb=$('rows');"
	"tb.textContent='';$('detail').textContent='';"
	"for(var i=a;i<b;i++)(function(n){var r=D.rows[n],o=D.outcomes[r[3]],tr=el('tr','o-'+o);"
	"tr.appendChild(el('td','v',o));"
	"[D.suites[r[0]],r[5],D.models[r[1]],D.modes[r[2]]].forEach(function(x){"
	"tr.appendChild(el('td',null,x));});"
	"tr.appendChild(el('td','n',r[6]));tr.appendChild(el('td',null,D.langs[r[4]]));"
	"tr.appendChild(el('td','ns',r.length>7?'':'texts not embedded'));"
	"tr.addEventListener('click',function(){open(n,tr);});tb.appendChild(tr);})(V[i]);"
	"$('count').textContent='page '+(page+1)+' of '+pages+' \\u00b7 samples '+(V.length?(a+1)+'"
	"\\u2013'+b:'0')+' of '+V.length+' matching ('+D.rows.length+' in all)';"
	"$('prev').disabled=page===0;$('next').disabled=b>=V.length;}"
	"function pre(c,x){return el('pre',c,x===''?'(none)':x);}"
	"function open(n,tr){var r=D.rows[n],d=$('detail'),"
	"s=document.querySelectorAll('#rows tr.sel');"
	"for(var i=0;i<s.length;i++)s[i].classList.remove('sel');"
	"tr.classList.add('sel');d.textContent='';"
	"d.appendChild(el('h3',null,D.suites[r[0]]+' / '+r[5]+' \\u00b7 '+D.models[r[1]]+' \\u00b7 '+"
	"D.modes[r[2]]+' \\u00b7 #'+r[6]+' \\u00b7 '+D.outcomes[r[3]]));"
	"if(r.length<8){d.appendChild(el('p','ns',"
	"'This sample\\u2019s texts are not in this page (see the note above);"
	" samples.csv and thinkbench view have them.'));return;}"
	"d.appendChild(el('h4',null,'Prompt'));d.appendChild(pre('prompt',"
	"r[7]>=0?D.prompts[r[7]]:'(prompt unavailable)'));"
	"var rs=el('details');rs.appendChild(el('summary',null,"
	"'Reasoning ('+r[8].length+' characters)'));rs.appendChild(pre('reasoning',r[8]));"
	"d.appendChild(rs);"
	"var a=r[9],x=r[10],k=x?a.lastIndexOf(x):-1,p=pre('answer',a);"
	"if(k>=0){p.textContent='';p.appendChild(document.createTextNode(a.slice(0,k)));"
	"p.appendChild(el('mark',null,x));p.appendChild(document.createTextNode(a.slice(k+x.length)))"
	";}"
	"d.appendChild(el('h4',null,'Answer (the extracted answer marked)'));d.appendChild(p);"
	"var v=el('p');v.appendChild(document.createTextNode('Extracted: '));v.appendChild(el('mark',"
	"null,x===''?'(none)':x));"
	"v.appendChild(document.createTextNode(' \\u00b7 expected: '));v.appendChild(el('code',null,"
	"r[11]));"
	"v.appendChild(document.createTextNode(' \\u00b7 verdict: '));v.appendChild(el('strong',null,"
	"D.outcomes[r[3]]));"
	"if(r[12])v.appendChild(document.createTextNode(' ('+r[12]+')'));"
	"if(r[13])v.appendChild(document.createTextNode(' \\u00b7 error: '+r[13]));"
	"d.appendChild(v);}"
	"function wide(){var w=document.documentElement.scrollWidth,"
	"t=document.querySelectorAll('table');"
	"for(var i=0;i<t.length;i++){var r=t[i].getBoundingClientRect();if(r.width)w=Math.max(w,"
	"Math.ceil(r.left+t[i].scrollWidth));}"
	"return w;}"
	"function selftest(){var o=$('selftest'),q=new URLSearchParams(location.hash.slice(10)),"
	"im=document.querySelectorAll('img.plot'),ok=0,bad=[],f=[];"
	"for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0)ok++;"
	"else bad.push(im[i].alt);}"
	"var t='selftest: plots '+ok+'/'+im.length+' loaded'+(bad.length?' (failed: '+bad.join(',"
	" ')+')':'');"
	"if(!D){o.textContent=t+'; sample data did not load';return;}"
	"K.forEach(function(k){if(!q.has(k))return;var s=$('f-'+k),n=D[k+'s'].indexOf(q.get(k));"
	"f.push(k+'='+q.get(k)+(n<0?'(unknown)':''));s.value=n<0?'':String(n);"
	"s.dispatchEvent(new Event('change'));});"
	"var m=V.length;if(!$('next').disabled)$('next').click();"
	"var tr=$('rows').firstElementChild;if(tr)tr.click();"
	"var opened=!!document.querySelector('#detail pre.answer, #detail p.ns'),"
	"bad2=document.querySelectorAll('#browser script,#browser iframe,#browser img,"
	"#browser object,#browser [onerror],#browser [onload]').length;"
	"o.textContent=t+'; filter '+(f.join(' ')||'none')+' matched '+m+';"
	" page '+(page+1)+' shows '+$('rows').children.length+' rows;"
	" '+(opened?'opened a sample':'opened nothing')+'; injected '+bad2+';"
	" width '+wide()+' of '+window.innerWidth;}"
	"var loaded=new Promise(function(res){if(document.readyState==='complete')res();"
	"else window.addEventListener('load',res);});"
	"load().then(init).catch(function(e){$('count').textContent=String(e&&e.message||e);}"
	").then(function(){return loaded;}).then(function(){"
	"if(location.hash.indexOf('#selftest')===0)selftest();});"
	"})();";

/* Text for HTML, cut at max bytes with a note (tb_text_put_markup). */
static void esc(FILE *f, const char *s, size_t max)
{
	tb_text_put_markup(f, s, max, TB_TEXT_HTML);
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s, 4096);
	fputs("</td>", f);
}

static void td_num(FILE *f, const char *fmt, double v)
{
	fputs("<td class=n>", f);
	if (isfinite(v))
		fprintf(f, fmt, v);
	else
		fputs("-", f);
	fputs("</td>", f);
}

static void td_long(FILE *f, long v)
{
	fprintf(f, "<td class=n>%ld</td>", v);
}

static void td_budget(FILE *f, long budget)
{
	if (budget)
		td_long(f, budget);
	else
		fputs("<td class=n>-</td>", f);
}

/* Opens a row of cells with what names it (suite, language or tag; model,
 * mode, budget) and its number of samples. */
static void td_key(FILE *f, const report *r, const report_cell *c)
{
	fputs("<tr>", f);
	td_text(f, c->suite);
	if (c->group)
		td_text(f, c->group);
	td_text(f, report_model_label(r, c->model));
	td_text(f, c->mode);
	td_budget(f, c->budget);
	td_long(f, c->n);
}

static void td_acc(FILE *f, const report_cell *c)
{
	if (c->graded)
		fprintf(f, "<td class=n>%.1f <small>[%.0f&ndash;%.0f]</small></td>", c->accuracy * 100,
			floor(c->acc_lo * 100), ceil(c->acc_hi * 100));
	else
		fputs("<td class=n>-</td>", f);
}

static void td_clustered(FILE *f, const report_cell *c)
{
	if (isfinite(c->acc_clu_lo))
		fprintf(f, "<td class=n>[%.0f&ndash;%.0f]</td>", floor(c->acc_clu_lo * 100),
			ceil(c->acc_clu_hi * 100));
	else
		fputs("<td class=n>-</td>", f);
}

static void th_row(FILE *f, const char *const *h, size_t n, size_t text_cols)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "<th%s>%s</th>", i < text_cols ? "" : " class=n", h[i]);
	fputs("</tr>\n", f);
}

/* A row's model (by its label), mode and budget. */
static void td_config(FILE *f, const report *r, const report_cell *c)
{
	fputs("<tr>", f);
	td_text(f, report_model_label(r, c->model));
	td_text(f, c->mode);
	td_budget(f, c->budget);
}

/* The suite's cells [from, to): the compact table, the cells no model could
 * run in one line, then the details folded. */
static void suite_tables(FILE *f, const report *r, size_t from, size_t to)
{
	static const char *const head[] = {
		"model", "mode", "budget", "n", "acc % [95% CI]", "p50 s", "TTFA p50 s",
		"tokens (r+a)", "$/correct"};
	static const char *const detail[] = {
		"model", "mode", "budget", "correct / wrong / no ans / trunc / err", "clustered CI",
		"pass@1 / pass@k / maj@k", "p90 / p99 s", "reasoning / answer tok", "cost $"};
	int any_ns = 0;

	fputs("<h3>", f);
	esc(f, r->cells[from].suite, 256);
	fputs("</h3>\n<table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 2);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (report_cell_unsupported(c))
			continue;
		td_config(f, r, c);
		if (c->n_planned > c->n)
			fprintf(f, "<td class=n>%ld/%ld</td>", c->n, c->n_planned);
		else
			td_long(f, c->n);
		td_acc(f, c);
		td_num(f, "%.2f", c->total_p50 / 1000);
		td_num(f, "%.2f", c->ttfa_p50 / 1000);
		td_num(f, "%.0f", c->completion_mean);
		td_num(f, "%.5f", c->cost_per_correct);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (!report_cell_unsupported(c))
			continue;
		fputs(any_ns++ ? ", " : "<p class=ns>Not supported (not run): ", f);
		esc(f, report_model_label(r, c->model), 256);
		fputc(' ', f);
		esc(f, c->mode, 64);
		if (c->budget)
			fprintf(f, " %ld", c->budget);
	}
	if (any_ns)
		fputs(".</p>\n", f);
	fputs("<details><summary>Details</summary><table>\n", f);
	th_row(f, detail, sizeof(detail) / sizeof(detail[0]), 2);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (report_cell_unsupported(c))
			continue;
		td_config(f, r, c);
		fprintf(f, "<td class=n>%ld / %ld / %ld / %ld / %ld</td>", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->count[TB_OUT_ERROR]);
		td_clustered(f, c);
		if (isfinite(c->pass_at_1))
			fprintf(f, "<td class=n>%.3f / %.3f / %.3f <small>k=%ld</small></td>",
				c->pass_at_1, c->pass_at_k, c->maj_at_k, c->pass_k);
		else
			fputs("<td class=n>-</td>", f);
		if (isfinite(c->total_p90))
			fprintf(f, "<td class=n>%.2f / %.2f</td>", c->total_p90 / 1000, c->total_p99 / 1000);
		else
			fputs("<td class=n>-</td>", f);
		if (isfinite(c->reasoning_mean) && isfinite(c->answer_mean))
			fprintf(f, "<td class=n>%.0f / %.0f</td>", c->reasoning_mean, c->answer_mean);
		else
			fputs("<td class=n>-</td>", f);
		td_num(f, "%.4f", c->cost_usd);
		fputs("</tr>\n", f);
	}
	fputs("</table></details>\n", f);
}

static void cells_table(FILE *f, const report *r)
{
	for (size_t from = 0, to; from < r->n; from = to) {
		for (to = from + 1; to < r->n && strcmp(r->cells[to].suite, r->cells[from].suite) == 0; to++)
			;
		suite_tables(f, r, from, to);
	}
	if (!r->n)
		fputs("<p>No cells and no samples in this store.</p>\n", f);
}

static void pairs_table(FILE *f, const report *r)
{
	static const char *const head[] = {
		"suite", "model", "think budget", "items", "acc % think / not", "diff pts [95% CI]",
		"flips up / down", "&times; latency / tokens / cost", "per extra correct: $ / s"};

	if (!r->n_pairs) {
		fputs("<p>No model ran both modes.</p>\n", f);
		return;
	}
	fputs("<table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 2);
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];
		const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];
		long n_flips = p->flip_up + p->flip_down, shown = 0;

		fputs("<tr>", f);
		td_text(f, t->suite);
		td_text(f, report_model_label(r, t->model));
		td_budget(f, t->budget);
		td_long(f, p->items);
		fprintf(f, "<td class=n>%.1f / %.1f</td>", t->accuracy * 100, n->accuracy * 100);
		if (isfinite(p->diff_lo))
			fprintf(f, "<td class=n>%+.1f <small>[%+.1f, %+.1f]</small></td>", p->diff * 100,
				p->diff_lo * 100, p->diff_hi * 100);
		else
			td_num(f, "%+.1f", p->diff * 100);
		/* the tooltip names the first flipped items; flips.csv has them all */
		fputs("<td class=n title=\"", f);
		for (long k = 0; k < n_flips && shown < HTML_FLIP_IDS; k++, shown++) {
			fputs(p->flips[k].up ? "up " : "down ", f);
			esc(f, p->flips[k].item_id, 200);
			fputs("&#10;", f);
		}
		if (n_flips > shown)
			fputs("... (all in flips.csv)", f);
		fprintf(f, "\">%ld / %ld</td>", p->flip_up, p->flip_down);
		fputs("<td class=n>", f);
		for (int k = 0; k < 3; k++) {
			double v = k == 0 ? p->latency_ratio : k == 1 ? p->token_ratio : p->cost_ratio;

			if (isfinite(v))
				fprintf(f, "%s%.2f", k ? " / " : "", v);
			else
				fprintf(f, "%s-", k ? " / " : "");
		}
		fputs("</td><td class=n>", f);
		if (isfinite(p->extra_cost_per_correct))
			fprintf(f, "%.5f / %.2f", p->extra_cost_per_correct, p->extra_secs_per_correct);
		else
			fputs("-", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<p class=meta>diff: accuracy with thinking minus without, on the "
	      "items graded in both, with a paired 95% t interval; a flip is an item right "
	      "(by majority of its samples) in one mode only; hover a flip count for the items. "
	      "Ratios are thinking over non-thinking.</p>\n", f);
}

static void breakdown_table(FILE *f, const report *r, const char *what, const report_cell *rows, size_t n)
{
	const char *head[] = {"suite", what, "model", "mode", "budget", "n", "acc % [95% CI]",
			      "clustered CI", "error", "wrong lang", "total p50 s", "cost $"};

	if (!n) {
		fputs("<p>None.</p>\n", f);
		return;
	}
	fputs("<div class=wrap><table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 4);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		td_key(f, r, c);
		td_acc(f, c);
		td_clustered(f, c);
		td_long(f, c->count[TB_OUT_ERROR]);
		td_long(f, c->wrong_lang);
		td_num(f, "%.2f", c->total_p50 / 1000);
		td_num(f, "%.4f", c->cost_usd);
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* p as base64 (OpenSSL's encoder), in pieces so no buffer grows with n. */
static void base64(FILE *f, const unsigned char *p, size_t n)
{
	unsigned char out[4 * 1024 + 1];

	for (size_t i = 0; i < n; i += 3 * 1024) {
		int len = EVP_EncodeBlock(out, p + i, (int)(n - i < 3 * 1024 ? n - i : 3 * 1024));

		fwrite(out, 1, (size_t)len, f);
	}
}

/* Reads a whole file of at most max bytes; NULL when it cannot. */
static unsigned char *slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && (size_t)n <= max &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void plots_section(FILE *f, const plot_set *ps, const char *plot_dir)
{
	if (!ps || !ps->n) {
		fputs("<p>No plots were made.</p>\n", f);
		return;
	}
	if (!ps->rendered) {
		fputs("<p><strong>Plots skipped:</strong> ", f);
		esc(f, ps->skipped, 256);
		fputs(". Their data (.dat) and gnuplot scripts (.gp) are in <code>", f);
		esc(f, plot_dir, 4096);
		fputs("</code>.</p>\n", f);
		return;
	}
	fputs("<div class=plots>\n", f);
	for (size_t i = 0; i < ps->n; i++) {
		char path[4200];
		size_t len = 0;
		unsigned char *svg;

		snprintf(path, sizeof(path), "%s/%s.svg", plot_dir, ps->name[i]);
		svg = slurp(path, MAX_SVG, &len);
		fputs("<figure>", f);
		if (svg) {
			fputs("<img class=plot alt=\"", f);
			esc(f, ps->title[i], 200);
			fputs("\" src=\"data:image/svg+xml;base64,", f);
			base64(f, svg, len);
			fputs("\">", f);
		} else {
			fputs("<p>(image missing)</p>", f);
		}
		fputs("<figcaption>", f);
		esc(f, ps->title[i], 200);
		fprintf(f, " &mdash; <code>plots/%s.gp</code>, <code>%s.dat</code></figcaption></figure>\n",
			ps->name[i], ps->name[i]);
		free(svg);
	}
	fputs("</div>\n", f);
}

/* The sample browser: filters, pager, table and detail, filled by the
 * page's script from the compressed data (html_samples.h). */
static int samples_section(FILE *f, tb_store *st, const report *r, char *err, size_t errlen)
{
	html_samples_info info;
	char *b64 = NULL;

	if (html_samples_encode(st, r, &b64, &info, err, errlen) != TB_OK)
		return TB_ERR;
	if (info.per_group >= 0)
		fprintf(f, "<p><strong>The texts of all %ld samples would make this page too large (over "
			   "%zu MB before compression or %zu MB compressed), so it holds the texts of %ld "
			   "of them: per cell and outcome %ld spread evenly over "
			   "the store order, %ld of each failing outcome (incorrect, partial, no answer, truncated, "
			   "error).</strong> Every sample is listed and can be filtered; samples.csv and "
			   "<code>thinkbench view</code> have every text.</p>\n",
			info.rows, HTML_TEXT_BUDGET >> 20, HTML_DATA_MAX >> 20, info.with_text, info.per_group,
			2 * info.per_group);
	fprintf(f, "<p class=meta>Click a row for its prompt, reasoning and answer. Prompt, reasoning "
		   "and answer are cut at %d bytes, the other texts at %d, ending &ldquo;(cut; full "
		   "text in samples.csv / thinkbench view)&rdquo;.</p>\n"
		   "<div id=browser><div id=filters></div>\n<div class=pager><button id=prev>&larr; "
		   "prev</button> <span id=count>Loading the samples&hellip;</span> <button "
		   "id=next>next &rarr;</button></div>\n<table id=stable><thead><tr><th>verdict</th>"
		   "<th>suite</th><th>item</th><th>model</th><th>mode</th><th class=n>#</th>"
		   "<th>lang</th><th></th></tr></thead><tbody id=rows></tbody></table>\n"
		   "<div id=detail></div></div>\n<script type=\"application/octet-stream\" "
		   "id=tbdata>",
		HTML_CUT_LONG, HTML_CUT_SHORT);
	fputs(b64, f);
	fputs("</script>\n", f);
	free(b64);
	return ferror(f) ? tb_seterr(err, errlen, "cannot write the HTML report: %s", strerror(errno))
			 : TB_OK;
}

int html_write(tb_store *st, const report *r, const tb_run_info *run, const plot_set *ps,
	       const char *plot_dir, FILE *f, char *err, size_t errlen)
{
	fputs("<!DOCTYPE html>", f);
	if (run->simulated)
		fprintf(f, "<!-- %s -->", REPORT_SIMULATED_LINE);
	fputs("\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	if (run->simulated)
		fputs("[SIMULATED] ", f);
	fputs("thinkbench report ", f);
	esc(f, run->run_id, 64);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n", css);
	if (run->simulated)
		fprintf(f, "<div class=banner>%s</div>\n", REPORT_SIMULATED_LINE);
	fputs("<h1>thinkbench report <code>", f);
	esc(f, run->run_id, 64);
	fputs("</code></h1>\n<p class=meta>thinkbench ", f);
	esc(f, run->version, 32);
	fputs(" &middot; ", f);
	esc(f, run->status, 16);
	fputs(" &middot; started ", f);
	esc(f, run->started, 32);
	if (run->ended[0]) {
		fputs(" &middot; ended ", f);
		esc(f, run->ended, 32);
	}
	fprintf(f, " &middot; %ld samples</p>\n", r->samples);
	for (int h = 0; h < REPORT_HEADER_LINES; h++) {
		int banner = h == REPORT_HEADER_REGRADE;
		char line[512];

		report_header_line(r, run, h, line, sizeof(line));
		if (!*line)
			continue;
		fputs(banner ? "<div class=banner>" : "<p class=meta>", f);
		esc(f, line, sizeof(line));
		fputs(banner ? "</div>\n" : "</p>\n", f);
	}
	fputs("<nav><a href=\"#summary\">Summary</a>"
		   "<a href=\"#modes\">Thinking vs not</a><a href=\"#plots\">Plots</a>"
		   "<a href=\"#lang\">By language</a><a href=\"#tags\">By tag</a>"
		   "<a href=\"#samples\">Samples</a></nav>\n", f);
	fputs("<h2 id=summary>Summary per suite</h2>\n", f);
	cells_table(f, r);
	fputs("<p class=meta>acc = correct / graded (errors and ungraded samples apart), 95% Wilson "
	      "interval; the clustered interval treats items as clusters (several samples per item "
	      "only); pass@k and maj@k with k = the fewest samples of an item. Times in seconds.</p>\n",
	      f);
	fputs("<h2 id=modes>Thinking against non-thinking, same items</h2>\n", f);
	pairs_table(f, r);
	fputs("<h2 id=plots>Plots</h2>\n", f);
	plots_section(f, ps, plot_dir);
	fputs("<h2 id=lang>By language</h2>\n", f);
	breakdown_table(f, r, "language", r->by_lang, r->n_lang);
	fputs("<h2 id=tags>By tag</h2>\n", f);
	if (r->tags_missing)
		fputs("<p class=meta>This run was stored by an older thinkbench, without its items: "
		      "its samples have no tags and no prompt here.</p>\n", f);
	breakdown_table(f, r, "tag", r->by_tag, r->n_tag);
	fputs("<h2 id=samples>Samples</h2>\n", f);
	if (samples_section(f, st, r, err, errlen) != TB_OK)
		return TB_ERR;
	fprintf(f, "<div id=selftest></div>\n<script>%s</script>\n</body></html>\n", script);
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the HTML report: %s", strerror(errno));
	return TB_OK;
}
