<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fa" sourcelanguage="en">
<context>
    <name>CompareDialog</name>
    <message>
        <source>, </source>
        <translation>، </translation>
    </message>
    <message>
        <source>Current releases</source>
        <translation>آخرین نسخه‌های منتشرشده</translation>
    </message>
    <message>
        <source>Tie: {brokers}</source>
        <translation>تساوی: {brokers}</translation>
    </message>
    <message>
        <source> or </source>
        <translation> یا </translation>
    </message>
    <message>
        <source>None fits</source>
        <translation>هیچ‌کدام مناسب نیست</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>توصیه‌شده</translation>
    </message>
    <message>
        <source>ruled out</source>
        <translation>کنار گذاشته شد</translation>
    </message>
    <message>
        <source>{broker} score</source>
        <translation>امتیاز {broker}</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>اطمینان</translation>
    </message>
    <message>
        <source>(invalid)</source>
        <translation>(نامعتبر)</translation>
    </message>
    <message>
        <source>(assumed)</source>
        <translation>(فرض‌شده)</translation>
    </message>
    <message>
        <source>high</source>
        <translation>زیاد</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>low</source>
        <translation>کم</translation>
    </message>
    <message>
        <source>Compare variants</source>
        <translation>مقایسهٔ گونه‌ها</translation>
    </message>
    <message>
        <source>Variants compared</source>
        <translation>گونه‌های مقایسه‌شده</translation>
    </message>
    <message>
        <source>&amp;Only rows that differ</source>
        <translation>&amp;فقط ردیف‌هایی که فرق دارند</translation>
    </message>
    <message>
        <source>Comparing…</source>
        <translation>در حال مقایسه…</translation>
    </message>
    <message>
        <source>Comparison status</source>
        <translation>وضعیت مقایسه</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;نمایش</translation>
    </message>
    <message>
        <source>Edit the selected variant in the main window</source>
        <translation>ویرایش گونهٔ انتخاب‌شده در پنجرهٔ اصلی</translation>
    </message>
    <message>
        <source>{count} variants</source>
        <translation>{count} گونه</translation>
    </message>
    <message>
        <source>; </source>
        <translation>؛ </translation>
    </message>
    <message>
        <source>1 requirement differs</source>
        <translation>۱ نیازمندی فرق دارد</translation>
    </message>
    <message>
        <source>{count} requirements differ</source>
        <translation>{count} نیازمندی فرق دارند</translation>
    </message>
    <message>
        <source>the same winner</source>
        <translation>برندهٔ یکسان</translation>
    </message>
    <message>
        <source>the winner changes</source>
        <translation>برنده عوض می‌شود</translation>
    </message>
    <message>
        <source>The engine failed: {error}</source>
        <translation>موتور توصیه با خطا متوقف شد: {error}</translation>
    </message>
    <message>
        <source>Differs between the variants</source>
        <translation>میان گونه‌ها فرق دارد</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>HTML report (*.html *.htm)</source>
        <translation>گزارش HTML (*.html *.htm)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>سند PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Markdown decision record (*.md)</source>
        <translation>سند تصمیم Markdown (*.md)</translation>
    </message>
    <message>
        <source>JSON data (*.json)</source>
        <translation>دادهٔ JSON (*.json)</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>صدور گزارش</translation>
    </message>
    <message>
        <source>The {format} report was saved to</source>
        <translation>گزارش {format} در این مسیر ذخیره شد:</translation>
    </message>
    <message>
        <source>Report exported</source>
        <translation>گزارش صادر شد</translation>
    </message>
    <message>
        <source>Open it now?</source>
        <translation>همین حالا باز شود؟</translation>
    </message>
    <message>
        <source>Cannot open the report</source>
        <translation>گزارش باز نمی‌شود</translation>
    </message>
    <message>
        <source>No program on this computer opened it. The report is at</source>
        <translation>هیچ برنامه‌ای روی این رایانه آن را باز نکرد. گزارش در این مسیر است:</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>صدور ناموفق بود</translation>
    </message>
    <message>
        <source>The report could not be written to {path}:</source>
        <translation>گزارش در {path} نوشته نشد:</translation>
    </message>
</context>
<context>
    <name>GuideBrowser</name>
    <message>
        <source>Guide</source>
        <translation>راهنمای فنی</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>قبلی</translation>
    </message>
    <message>
        <source>Forward</source>
        <translation>بعدی</translation>
    </message>
    <message>
        <source>Search the guide (Ctrl+F)</source>
        <translation>جستجو در راهنمای فنی (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search the guide</source>
        <translation>جستجو در راهنمای فنی</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>نتایج جستجو</translation>
    </message>
    <message>
        <source>Guide sections</source>
        <translation>بخش‌های راهنمای فنی</translation>
    </message>
    <message>
        <source>Guide section</source>
        <translation>بخش راهنمای فنی</translation>
    </message>
    <message>
        <source>The guide could not be loaded:</source>
        <translation>راهنمای فنی بارگذاری نشد:</translation>
    </message>
    <message>
        <source>There is no guide section {id}{hint}.</source>
        <translation>بخشی با شناسهٔ {id} در راهنمای فنی نیست{hint}.</translation>
    </message>
    <message>
        <source>Part of {section}</source>
        <translation>بخشی از {section}</translation>
    </message>
    <message>
        <source>1 section matches {words}</source>
        <translation>۱ بخش با {words} جور است</translation>
    </message>
    <message>
        <source>{count} sections match {words}</source>
        <translation>{count} بخش با {words} جور است</translation>
    </message>
    <message>
        <source> — press Enter to open the first</source>
        <translation> — برای باز کردن اولی Enter را بزنید</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <source>Broker Advisor user guide</source>
        <translation>راهنمای کاربر Broker Advisor</translation>
    </message>
    <message>
        <source>User guide contents</source>
        <translation>فهرست راهنمای کاربر</translation>
    </message>
    <message>
        <source>User guide text</source>
        <translation>متن راهنمای کاربر</translation>
    </message>
    <message>
        <source>The user guide is missing ({path}).</source>
        <translation>راهنمای کاربر پیدا نشد ({path}).</translation>
    </message>
</context>
<context>
    <name>LoadTestTab</name>
    <message>
        <source>Known targets</source>
        <translation>مقصدهای شناخته‌شده</translation>
    </message>
    <message>
        <source>The sandbox brokers and the addresses in the Probe tab</source>
        <translation>brokerهای sandbox و نشانی‌های زبانهٔ Probe</translation>
    </message>
    <message>
        <source>Broker to load-test</source>
        <translation>brokerی که آزمون بار می‌شود</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>مقصد</translation>
    </message>
    <message>
        <source>Seconds per phase</source>
        <translation>ثانیه در هر مرحله</translation>
    </message>
    <message>
        <source>Each constant-rate phase runs this long; the ramp takes as long again</source>
        <translation>هر مرحلهٔ نرخ ثابت همین مدت اجرا می‌شود؛ مرحلهٔ افزایش تدریجی (ramp) هم همین قدر طول می‌کشد</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ثانیه</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>نرخ</translation>
    </message>
    <message>
        <source>Average, peak, then a ramp to saturation</source>
        <translation>میانگین، اوج، سپس افزایش تدریجی تا اشباع</translation>
    </message>
    <message>
        <source>The workload&apos;s average rate</source>
        <translation>نرخ میانگین بار کاری</translation>
    </message>
    <message>
        <source>The workload&apos;s peak rate</source>
        <translation>نرخ اوج بار کاری</translation>
    </message>
    <message>
        <source>A fixed rate</source>
        <translation>یک نرخ ثابت</translation>
    </message>
    <message>
        <source>Fixed rate in messages per second</source>
        <translation>نرخ ثابت به پیام در ثانیه</translation>
    </message>
    <message>
        <source> msg/s</source>
        <translation> msg/s</translation>
    </message>
    <message>
        <source>&amp;Duration</source>
        <translation>&amp;مدت</translation>
    </message>
    <message>
        <source>R&amp;ate</source>
        <translation>&amp;نرخ</translation>
    </message>
    <message>
        <source>Pi&amp;ck</source>
        <translation>&amp;انتخاب</translation>
    </message>
    <message>
        <source>B&amp;roker</source>
        <translation>&amp;broker</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>&amp;شروع</translation>
    </message>
    <message>
        <source>Start the load test</source>
        <translation>شروع آزمون بار</translation>
    </message>
    <message>
        <source>Send the workload&apos;s load to the target above</source>
        <translation>بار این بار کاری به مقصد بالا فرستاده شود</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>&amp;لغو</translation>
    </message>
    <message>
        <source>Cancel the load test</source>
        <translation>لغو آزمون بار</translation>
    </message>
    <message>
        <source>Stop sending; the temporary queues or topics are removed</source>
        <translation>ارسال متوقف می‌شود؛ صف‌ها یا topicهای موقت حذف می‌شوند</translation>
    </message>
    <message>
        <source>Ba&amp;ke-off</source>
        <translation>&amp;رقابت (bake-off)</translation>
    </message>
    <message>
        <source>Bake-off of the sandbox brokers</source>
        <translation>رقابت brokerهای sandbox</translation>
    </message>
    <message>
        <source>The same load against the sandbox&apos;s Redis, RabbitMQ and Kafka, in turn</source>
        <translation>همین بار، به‌نوبت روی Redis، RabbitMQ و Kafkaی sandbox</translation>
    </message>
    <message>
        <source>Elapsed against the budget</source>
        <translation>زمان سپری‌شده نسبت به بودجه</translation>
    </message>
    <message>
        <source>Live progress</source>
        <translation>پیشرفت زنده</translation>
    </message>
    <message>
        <source>Choose a target, then Start; or run a Bake-off.</source>
        <translation>یک مقصد انتخاب کنید و «شروع» را بزنید؛ یا رقابت (bake-off) را اجرا کنید.</translation>
    </message>
    <message>
        <source>Load test status</source>
        <translation>وضعیت آزمون بار</translation>
    </message>
    <message>
        <source>What the figures are</source>
        <translation>این ارقام چه هستند</translation>
    </message>
    <message>
        <source>Load test figures</source>
        <translation>ارقام آزمون بار</translation>
    </message>
    <message>
        <source>Latency percentiles</source>
        <translation>صدک‌های تأخیر</translation>
    </message>
    <message>
        <source>Throughput over time</source>
        <translation>توان عملیاتی در طول زمان</translation>
    </message>
    <message>
        <source>Verdicts for the workload</source>
        <translation>ارزیابی‌ها برای بار کاری</translation>
    </message>
    <message>
        <source>Requirement</source>
        <translation>نیازمندی</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>یافته</translation>
    </message>
    <message>
        <source>Enter an address below</source>
        <translation>نشانی را پایین وارد کنید</translation>
    </message>
    <message>
        <source>Sandbox {broker}: {url}</source>
        <translation>{broker} در sandbox: {url}</translation>
    </message>
    <message>
        <source>Probe tab {broker}: {url}</source>
        <translation>{broker} در زبانهٔ Probe: {url}</translation>
    </message>
    <message>
        <source>Fix the address first.</source>
        <translation>اول نشانی را اصلاح کنید.</translation>
    </message>
    <message>
        <source>Not started: the target is not this machine.</source>
        <translation>شروع نشد: مقصد این ماشین نیست.</translation>
    </message>
    <message>
        <source>Load-testing {target}…</source>
        <translation>در حال آزمون بار {target}…</translation>
    </message>
    <message>
        <source>Bake-off: the sandbox brokers in turn…</source>
        <translation>رقابت: brokerهای sandbox به‌نوبت…</translation>
    </message>
    <message>
        <source>Cancelling: stopping the load and cleaning up…</source>
        <translation>در حال لغو: توقف بار و پاک‌سازی…</translation>
    </message>
    <message>
        <source>done in {seconds} s</source>
        <translation>در {seconds} ثانیه تمام شد</translation>
    </message>
    <message>
        <source>The workload has problems: fix them to load-test it.</source>
        <translation>بار کاری مشکل دارد: برای آزمون بار آن‌ها را برطرف کنید.</translation>
    </message>
    <message>
        <source>, then more and more until it saturates</source>
        <translation>، سپس بیشتر و بیشتر تا اشباع شود</translation>
    </message>
    <message>
        <source>{target} is not this machine. The load test will send real messages to it: {rates}, of {size} on average, for up to {budget} (set-up and cleanup included), into temporary resources named broker-advisor.loadtest.… that are removed afterwards. Run it?</source>
        <translation>{target} این ماشین نیست. آزمون بار پیام‌های واقعی به آن می‌فرستد: {rates}، با اندازهٔ میانگین {size}، تا حداکثر {budget} (با احتساب آماده‌سازی و پاک‌سازی)، در منابع موقتی با نام broker-advisor.loadtest.… که پس از آن حذف می‌شوند. اجرا شود؟</translation>
    </message>
    <message>
        <source>Load-test another machine?</source>
        <translation>آزمون بار روی ماشینی دیگر؟</translation>
    </message>
    <message>
        <source>Send the load</source>
        <translation>ارسال بار</translation>
    </message>
    <message>
        <source>{elapsed} s of {budget} s</source>
        <translation>{elapsed} از {budget} ثانیه</translation>
    </message>
    <message>
        <source>{who}, {phase}: sending {send} (target {target}), receiving {receive}; p99 so far {p99}; sent {sent}, received {received}</source>
        <translation>{who}، {phase}: ارسال {send} (هدف {target})، دریافت {receive}؛ p99 تا اینجا {p99}؛ ارسال‌شده {sent}، دریافت‌شده {received}</translation>
    </message>
    <message>
        <source>Cancelled; the temporary resources were removed. Shown: what ran.</source>
        <translation>لغو شد؛ منابع موقت حذف شدند. آنچه اجرا شد نمایش داده شده است.</translation>
    </message>
    <message>
        <source>Nothing ran: {why}</source>
        <translation>چیزی اجرا نشد: {why}</translation>
    </message>
    <message>
        <source>Finished: {status}.</source>
        <translation>تمام شد: {status}.</translation>
    </message>
    <message>
        <source>The load test did not run: {error}</source>
        <translation>آزمون بار اجرا نشد: {error}</translation>
    </message>
    <message>
        <source>Messages received per second, live</source>
        <translation>پیام‌های دریافتی در ثانیه، زنده</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>ثانیه</translation>
    </message>
    <message>
        <source>Bake-off: {label}</source>
        <translation>رقابت: {label}</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>وضعیت</translation>
    </message>
    <message>
        <source>Saturation</source>
        <translation>اشباع</translation>
    </message>
    <message>
        <source>Latency from the intended send time, {phase} phase (ms, log scale)</source>
        <translation>تأخیر از زمان ارسال مقرر، مرحلهٔ {phase} (ms، مقیاس لگاریتمی)</translation>
    </message>
    <message>
        <source>Messages received per second in each phase; target dashed</source>
        <translation>پیام‌های دریافتی در ثانیه در هر مرحله؛ هدف با خط‌چین</translation>
    </message>
    <message>
        <source>seconds of load, phases back to back</source>
        <translation>ثانیه‌های بار، مرحله‌ها پشت سر هم</translation>
    </message>
    <message>
        <source>{server} target</source>
        <translation>هدف {server}</translation>
    </message>
    <message>
        <source> target</source>
        <translation> هدف</translation>
    </message>
    <message>
        <source>Advice: {advice}</source>
        <translation>توصیه: {advice}</translation>
    </message>
    <message>
        <source>error</source>
        <translation>خطا</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>اجرا نشده</translation>
    </message>
    <message>
        <source>Load test</source>
        <translation>آزمون بار</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>تمام شد.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Workloads (*.yaml *.yml *.json);;YAML (*.yaml *.yml);;JSON (*.json)</source>
        <translation>بارهای کاری (*.yaml *.yml *.json);;YAML (*.yaml *.yml);;JSON (*.json)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>تغییرات ذخیره‌نشده</translation>
    </message>
    <message>
        <source>{name} has unsaved changes.</source>
        <translation>{name} تغییرات ذخیره‌نشده دارد.</translation>
    </message>
    <message>
        <source>Save them before going on?</source>
        <translation>پیش از ادامه ذخیره شوند؟</translation>
    </message>
    <message>
        <source>Restore unsaved work?</source>
        <translation>کار ذخیره‌نشده بازیابی شود؟</translation>
    </message>
    <message>
        <source>Broker Advisor did not exit cleanly last time.</source>
        <translation>Broker Advisor دفعهٔ پیش درست بسته نشد.</translation>
    </message>
    <message>
        <source> (from {source})</source>
        <translation> (از {source})</translation>
    </message>
    <message>
        <source> and 1 other variant</source>
        <translation> و ۱ گونهٔ دیگر</translation>
    </message>
    <message>
        <source> and {count} other variants</source>
        <translation> و {count} گونهٔ دیگر</translation>
    </message>
    <message>
        <source>Restore the workload you were editing{source}{also}, autosaved at {time}?</source>
        <translation>بار کاری‌ای که ویرایش می‌کردید{source}{also} بازیابی شود؟ ذخیرهٔ خودکار: {time}</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>بازیابی</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>دور انداختن</translation>
    </message>
    <message>
        <source>Open workload</source>
        <translation>باز کردن بار کاری</translation>
    </message>
    <message>
        <source>Save workload as</source>
        <translation>ذخیرهٔ بار کاری با نام</translation>
    </message>
    <message>
        <source>Broker Advisor</source>
        <translation>Broker Advisor</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>در حال شروع…</translation>
    </message>
    <message>
        <source>&amp;Guide</source>
        <translation>راهنمای &amp;فنی</translation>
    </message>
    <message>
        <source>&amp;Probe</source>
        <translation>&amp;Probe</translation>
    </message>
    <message>
        <source>L&amp;oad Test</source>
        <translation>آزمون &amp;بار</translation>
    </message>
    <message>
        <source>Scenario variants</source>
        <translation>گونه‌های سناریو</translation>
    </message>
    <message>
        <source>Variants of this workload; double-click to rename</source>
        <translation>گونه‌های این بار کاری؛ برای تغییر نام دوبار کلیک کنید</translation>
    </message>
    <message>
        <source>Restored the unsaved workload</source>
        <translation>بار کاری ذخیره‌نشده بازیابی شد</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;پرونده</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;جدید</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;باز کردن…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>باز کردن موارد &amp;اخیر</translation>
    </message>
    <message>
        <source>&amp;Presets</source>
        <translation>نمونه‌های &amp;آماده</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;ذخیره</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>ذخیره با &amp;نام…</translation>
    </message>
    <message>
        <source>&amp;Export Report…</source>
        <translation>&amp;صدور گزارش…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;خروج</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;ویرایش</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;واگرد</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;ازنو</translation>
    </message>
    <message>
        <source>Pre&amp;ferences…</source>
        <translation>&amp;ترجیحات…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;نما</translation>
    </message>
    <message>
        <source>&amp;Workload</source>
        <translation>بار &amp;کاری</translation>
    </message>
    <message>
        <source>&amp;Recommendation</source>
        <translation>&amp;توصیه</translation>
    </message>
    <message>
        <source>&amp;Search the Guide</source>
        <translation>&amp;جستجو در راهنمای فنی</translation>
    </message>
    <message>
        <source>Reset &amp;Layout</source>
        <translation>بازنشانی &amp;چیدمان</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;راهنما</translation>
    </message>
    <message>
        <source>&amp;User Guide</source>
        <translation>راهنمای &amp;کاربر</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;میان‌برهای صفحه‌کلید</translation>
    </message>
    <message>
        <source>&amp;Welcome…</source>
        <translation>&amp;خوش‌آمد…</translation>
    </message>
    <message>
        <source>&amp;About Broker Advisor</source>
        <translation>&amp;دربارهٔ Broker Advisor</translation>
    </message>
    <message>
        <source>&amp;Scenario</source>
        <translation>&amp;سناریو</translation>
    </message>
    <message>
        <source>&amp;Duplicate as Variant</source>
        <translation>&amp;تکثیر به‌عنوان گونه</translation>
    </message>
    <message>
        <source>&amp;Compare Variants…</source>
        <translation>&amp;مقایسهٔ گونه‌ها…</translation>
    </message>
    <message>
        <source>&amp;Sensitivity Chart…</source>
        <translation>نمودار &amp;حساسیت…</translation>
    </message>
    <message>
        <source>&amp;Next Variant</source>
        <translation>گونهٔ &amp;بعدی</translation>
    </message>
    <message>
        <source>&amp;Previous Variant</source>
        <translation>گونهٔ &amp;قبلی</translation>
    </message>
    <message>
        <source>&amp;Rename Variant…</source>
        <translation>تغییر &amp;نام گونه…</translation>
    </message>
    <message>
        <source>C&amp;lose Variant</source>
        <translation>بستن &amp;گونه</translation>
    </message>
    <message>
        <source>This installation has no probe panel</source>
        <translation>این نصب پنل probe ندارد</translation>
    </message>
    <message>
        <source>No guide section {id}</source>
        <translation>بخش {id} در راهنمای فنی نیست</translation>
    </message>
    <message>
        <source>Cannot open {name}</source>
        <translation>{name} باز نمی‌شود</translation>
    </message>
    <message>
        <source>{path} is not a valid workload file:</source>
        <translation>{path} فایل بار کاری معتبری نیست:</translation>
    </message>
    <message>
        <source>Load Preset {name}</source>
        <translation>بارگذاری نمونهٔ آمادهٔ {name}</translation>
    </message>
    <message>
        <source>Loaded preset {name}</source>
        <translation>نمونهٔ آمادهٔ {name} بارگذاری شد</translation>
    </message>
    <message>
        <source>Opened {path}</source>
        <translation>{path} باز شد</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>ذخیره ممکن نیست</translation>
    </message>
    <message>
        <source>Fix these problems first (your edits are kept in the autosave meanwhile):</source>
        <translation>اول این مشکلات را برطرف کنید (تا آن موقع ویرایش‌هایتان در ذخیرهٔ خودکار نگه داشته می‌شود):</translation>
    </message>
    <message>
        <source>Could not write {path}:</source>
        <translation>نوشتن {path} ممکن نشد:</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>{path} ذخیره شد</translation>
    </message>
    <message>
        <source>Cannot export yet</source>
        <translation>هنوز صدور ممکن نیست</translation>
    </message>
    <message>
        <source>Export needs a valid workload and its recommendation.</source>
        <translation>برای صدور، یک بار کاری معتبر و توصیهٔ آن لازم است.</translation>
    </message>
    <message>
        <source>Fix the problems shown in the editor.</source>
        <translation>مشکلاتی را که ویرایشگر نشان می‌دهد برطرف کنید.</translation>
    </message>
    <message>
        <source>New variant {name}</source>
        <translation>گونهٔ جدید {name}</translation>
    </message>
    <message>
        <source>Apply What-if: {condition}</source>
        <translation>اعمال what-if: {condition}</translation>
    </message>
    <message>
        <source>Applied: {condition}</source>
        <translation>اعمال شد: {condition}</translation>
    </message>
    <message>
        <source>Preferences saved; the new language takes effect at the next start</source>
        <translation>ترجیحات ذخیره شد؛ زبان جدید از اجرای بعدی اعمال می‌شود</translation>
    </message>
    <message>
        <source>Preferences saved</source>
        <translation>ترجیحات ذخیره شد</translation>
    </message>
    <message>
        <source>Panes</source>
        <translation>پنل‌ها</translation>
    </message>
    <message>
        <source>Cancel running probes</source>
        <translation>لغو probeهای در حال اجرا</translation>
    </message>
    <message>
        <source>Next variant</source>
        <translation>گونهٔ بعدی</translation>
    </message>
    <message>
        <source>Previous variant</source>
        <translation>گونهٔ قبلی</translation>
    </message>
    <message>
        <source>Back in the guide</source>
        <translation>عقب در راهنمای فنی</translation>
    </message>
    <message>
        <source>Forward in the guide</source>
        <translation>جلو در راهنمای فنی</translation>
    </message>
    <message>
        <source>About Broker Advisor</source>
        <translation>دربارهٔ Broker Advisor</translation>
    </message>
    <message>
        <source>{name}{where}[*] — Broker Advisor</source>
        <translation>{name}{where}[*] — Broker Advisor</translation>
    </message>
    <message>
        <source>Autosave failed: {error}</source>
        <translation>ذخیرهٔ خودکار ناموفق بود: {error}</translation>
    </message>
    <message>
        <source>The probe panel could not start:</source>
        <translation>پنل probe راه‌اندازی نشد:</translation>
    </message>
    <message>
        <source>Out of date: fix the workload</source>
        <translation>قدیمی: بار کاری را اصلاح کنید</translation>
    </message>
    <message>
        <source>A tie: {brokers}</source>
        <translation>تساوی: {brokers}</translation>
    </message>
    <message>
        <source> or </source>
        <translation> یا </translation>
    </message>
    <message>
        <source>Recommended: {broker}</source>
        <translation>توصیه: {broker}</translation>
    </message>
    <message>
        <source>No broker fits</source>
        <translation>هیچ brokerی مناسب نیست</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>در حال کار…</translation>
    </message>
    <message>
        <source>Rename variant</source>
        <translation>تغییر نام گونه</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>نام:</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>فایل اخیری نیست</translation>
    </message>
    <message>
        <source>&amp;Clear Menu</source>
        <translation>&amp;پاک کردن فهرست</translation>
    </message>
    <message>
        <source>No presets found</source>
        <translation>نمونهٔ آماده‌ای پیدا نشد</translation>
    </message>
    <message>
        <source>above</source>
        <translation>بالاتر از</translation>
    </message>
    <message>
        <source>below</source>
        <translation>پایین‌تر از</translation>
    </message>
    <message>
        <source>Recommends Redis, RabbitMQ or Kafka for a workload, explains why with citations into a built-in guide, probes live brokers and exports reports.</source>
        <translation>برای هر بار کاری Redis، RabbitMQ یا Kafka را توصیه می‌کند، دلیلش را با ارجاع به راهنمای فنی داخلی توضیح می‌دهد، brokerهای در حال اجرا را probe می‌کند و گزارش صادر می‌کند.</translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <source>Follow the system</source>
        <translation>پیروی از سیستم</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>روشن</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>تیره</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;پوسته</translation>
    </message>
    <message>
        <source>Light, dark, or whatever the desktop uses (and follows when it changes).</source>
        <translation>روشن، تیره یا هر آنچه میزکار استفاده می‌کند (و با تغییر آن، همراهش تغییر می‌کند).</translation>
    </message>
    <message>
        <source>Default probe &amp;budget</source>
        <translation>&amp;بودجهٔ پیش‌فرض probe</translation>
    </message>
    <message>
        <source>How long a probe of one broker may take, cleanup included; the Probe tab starts with it.</source>
        <translation>probe یک broker، با احتساب پاک‌سازی، حداکثر چقدر طول بکشد؛ زبانهٔ Probe با همین مقدار شروع می‌کند.</translation>
    </message>
    <message>
        <source>Remember &amp;connection details</source>
        <translation>به خاطر سپردن &amp;مشخصات اتصال</translation>
    </message>
    <message>
        <source>Keep the broker addresses typed in the Probe tab for next time (never the passwords unless asked below).</source>
        <translation>نشانی brokerهایی که در زبانهٔ Probe وارد شده‌اند برای دفعهٔ بعد نگه داشته شوند (گذرواژه‌ها هرگز، مگر آنکه پایین‌تر خواسته شود).</translation>
    </message>
    <message>
        <source>Remember pass&amp;words too</source>
        <translation>گذرواژه‌ها هم به &amp;خاطر سپرده شوند</translation>
    </message>
    <message>
        <source>Also keep the passwords, in plain text, in the settings file.</source>
        <translation>گذرواژه‌ها هم، به‌صورت متن ساده، در فایل تنظیمات نگه داشته شوند.</translation>
    </message>
    <message>
        <source>Interface &amp;language</source>
        <translation>&amp;زبان رابط کاربری</translation>
    </message>
    <message>
        <source>The language of menus, the guide, rule texts and reports; it takes effect the next time the app starts.</source>
        <translation>زبان منوها، راهنمای فنی، متن قواعد و گزارش‌ها؛ از اجرای بعدی برنامه اعمال می‌شود.</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>ترجیحات</translation>
    </message>
    <message>
        <source>The new language takes effect the next time Broker Advisor starts.</source>
        <translation>زبان جدید از اجرای بعدی Broker Advisor اعمال می‌شود.</translation>
    </message>
    <message>
        <source>Changes apply when you press OK.</source>
        <translation>تغییرات با زدن «تأیید» اعمال می‌شوند.</translation>
    </message>
    <message>
        <source>s</source>
        <comment>seconds</comment>
        <translation>ثانیه</translation>
    </message>
</context>
<context>
    <name>ProbeHistory</name>
    <message>
        <source>The same as the previous run ({when}).</source>
        <translation>همانند اجرای قبلی ({when}).</translation>
    </message>
    <message>
        <source>; </source>
        <translation>؛ </translation>
    </message>
    <message>
        <source>Since the previous run ({when}): {changes}.</source>
        <translation>از اجرای قبلی ({when}) تا حالا: {changes}.</translation>
    </message>
    <message>
        <source>absent</source>
        <translation>ناموجود</translation>
    </message>
</context>
<context>
    <name>ProbePanel</name>
    <message>
        <source>pass</source>
        <translation>موفق</translation>
    </message>
    <message>
        <source>warn</source>
        <translation>هشدار</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>ناموفق</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>ردشده</translation>
    </message>
    <message>
        <source>resolve</source>
        <translation>resolve نام</translation>
    </message>
    <message>
        <source>connect</source>
        <translation>اتصال</translation>
    </message>
    <message>
        <source>tls</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>handshake</source>
        <translation>handshake</translation>
    </message>
    <message>
        <source>authenticate</source>
        <translation>احراز هویت</translation>
    </message>
    <message>
        <source>inspect</source>
        <translation>بررسی پیکربندی</translation>
    </message>
    <message>
        <source>behave</source>
        <translation>رفتار</translation>
    </message>
    <message>
        <source>dns</source>
        <translation>DNS</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>اتصال رد شد</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>پایان مهلت</translation>
    </message>
    <message>
        <source>auth</source>
        <translation>احراز هویت</translation>
    </message>
    <message>
        <source>authorisation</source>
        <translation>مجوز دسترسی</translation>
    </message>
    <message>
        <source>wrong_protocol</source>
        <translation>پروتکل نادرست</translation>
    </message>
    <message>
        <source>configuration</source>
        <translation>پیکربندی</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>لغوشده</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>کارکرد ناقص</translation>
    </message>
    <message>
        <source>connection_lost</source>
        <translation>قطع اتصال</translation>
    </message>
    <message>
        <source>budget_exceeded</source>
        <translation>فراتر از بودجه</translation>
    </message>
    <message>
        <source>other</source>
        <translation>دیگر</translation>
    </message>
    <message>
        <source>Acknowledged delivery</source>
        <translation>تحویل با ack</translation>
    </message>
    <message>
        <source>Dead lettering</source>
        <translation>dead-lettering</translation>
    </message>
    <message>
        <source>Durability</source>
        <translation>ماندگاری</translation>
    </message>
    <message>
        <source>Exactly once</source>
        <translation>دقیقاً یک‌بار</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>تأخیر</translation>
    </message>
    <message>
        <source>Message size</source>
        <translation>اندازهٔ پیام</translation>
    </message>
    <message>
        <source>No eviction</source>
        <translation>بدون eviction</translation>
    </message>
    <message>
        <source>Node failures</source>
        <translation>خرابی nodeها</translation>
    </message>
    <message>
        <source>Ordering</source>
        <translation>ترتیب</translation>
    </message>
    <message>
        <source>Priorities</source>
        <translation>اولویت‌ها</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>نگه‌داری</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>نسخه</translation>
    </message>
    <message>
        <source>Verdicts</source>
        <translation>ارزیابی‌ها</translation>
    </message>
    <message>
        <source>Load test</source>
        <translation>آزمون بار</translation>
    </message>
    <message>
        <source>, </source>
        <translation>، </translation>
    </message>
    <message>
        <source>none</source>
        <translation>هیچ</translation>
    </message>
    <message>
        <source>Probe timeout in seconds</source>
        <translation>مهلت probe به ثانیه</translation>
    </message>
    <message>
        <source>Whole-probe budget per broker; each probe ends within it</source>
        <translation>بودجهٔ زمانی کل probe برای هر broker؛ هر probe در همین مدت تمام می‌شود</translation>
    </message>
    <message>
        <source>s</source>
        <comment>seconds</comment>
        <translation>ثانیه</translation>
    </message>
    <message>
        <source>&amp;Timeout</source>
        <translation>&amp;مهلت</translation>
    </message>
    <message>
        <source>Probe &amp;all</source>
        <translation>probe &amp;همه</translation>
    </message>
    <message>
        <source>Probe all brokers</source>
        <translation>probe همهٔ brokerها</translation>
    </message>
    <message>
        <source>Probe every broker whose address is filled in</source>
        <translation>probe هر brokerی که نشانی‌اش وارد شده است</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;لغو</translation>
    </message>
    <message>
        <source>Cancel probes</source>
        <translation>لغو probeها</translation>
    </message>
    <message>
        <source>Stop all running probes (Esc)</source>
        <translation>توقف همهٔ probeهای در حال اجرا (Esc)</translation>
    </message>
    <message>
        <source>Cop&amp;y all results</source>
        <translation>&amp;رونوشت همهٔ نتایج</translation>
    </message>
    <message>
        <source>Copy every broker&apos;s results as text</source>
        <translation>رونوشت نتایج همهٔ brokerها به‌صورت متن</translation>
    </message>
    <message>
        <source>Copy the results of every probed broker to the clipboard as text (never a password)</source>
        <translation>نتایج همهٔ brokerهای probe‌شده به‌صورت متن در کلیپ‌بورد کپی می‌شود (هرگز گذرواژه‌ای)</translation>
    </message>
    <message>
        <source>Brokers to probe</source>
        <translation>brokerهایی که probe می‌شوند</translation>
    </message>
    <message>
        <source>&amp;Remember connection details</source>
        <translation>به خاطر سپردن &amp;مشخصات اتصال</translation>
    </message>
    <message>
        <source>Remember connection details</source>
        <translation>به خاطر سپردن مشخصات اتصال</translation>
    </message>
    <message>
        <source>Save the addresses (not the passwords) for next time</source>
        <translation>نشانی‌ها (نه گذرواژه‌ها) برای دفعهٔ بعد ذخیره شوند</translation>
    </message>
    <message>
        <source>Remember passwor&amp;ds</source>
        <translation>به خاطر سپردن &amp;گذرواژه‌ها</translation>
    </message>
    <message>
        <source>Remember passwords</source>
        <translation>به خاطر سپردن گذرواژه‌ها</translation>
    </message>
    <message>
        <source>Also save passwords, in plain text, in the settings</source>
        <translation>گذرواژه‌ها هم، به‌صورت متن ساده، در تنظیمات ذخیره شوند</translation>
    </message>
    <message>
        <source>Probe status</source>
        <translation>وضعیت probe</translation>
    </message>
    <message>
        <source>Verdicts of the three brokers</source>
        <translation>ارزیابی سه broker</translation>
    </message>
    <message>
        <source>{broker} verdict</source>
        <translation>ارزیابی {broker}</translation>
    </message>
    <message>
        <source>Fill in at least one broker address to probe.</source>
        <translation>برای probe دست‌کم نشانی یک broker را وارد کنید.</translation>
    </message>
    <message>
        <source>Fix the {brokers} address first.</source>
        <translation>اول نشانی {brokers} را اصلاح کنید.</translation>
    </message>
    <message>
        <source>Probing {brokers}…</source>
        <translation>در حال probe {brokers}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>در حال لغو…</translation>
    </message>
    <message>
        <source>Results copied to the clipboard (passwords left out).</source>
        <translation>نتایج در کلیپ‌بورد کپی شد (بدون گذرواژه‌ها).</translation>
    </message>
    <message>
        <source>probing…</source>
        <translation>در حال probe…</translation>
    </message>
    <message>
        <source>cancelled; not probed before</source>
        <translation>لغو شد؛ پیش‌تر probe نشده بود</translation>
    </message>
    <message>
        <source>not probed</source>
        <translation>probe نشده</translation>
    </message>
    <message>
        <source>{met} of {total} needs met</source>
        <translation>{met} از {total} نیاز برآورده شد</translation>
    </message>
    <message>
        <source>; not: {needs}</source>
        <translation>؛ برآورده‌نشده: {needs}</translation>
    </message>
    <message>
        <source>checks: {tally}</source>
        <translation>بررسی‌ها: {tally}</translation>
    </message>
    <message>
        <source> (cancelled: the previous result is kept)</source>
        <translation> (لغو شد: نتیجهٔ قبلی نگه داشته شده است)</translation>
    </message>
    <message>
        <source>{brokers} filled in from the environment.</source>
        <translation>{brokers} از متغیرهای محیطی پر شد.</translation>
    </message>
    <message>
        <source>Ignored {error}</source>
        <translation>نادیده گرفته شد: {error}</translation>
    </message>
    <message>
        <source>No verdicts: the workload is not available ({error}).</source>
        <translation>ارزیابی‌ای در کار نیست: بار کاری در دسترس نیست ({error}).</translation>
    </message>
    <message>
        <source>running</source>
        <translation>در حال اجرا</translation>
    </message>
    <message>
        <source>Finished.</source>
        <translation>تمام شد.</translation>
    </message>
    <message>
        <source>Not kept in the history: {error}</source>
        <translation>در تاریخچه نگه داشته نشد: {error}</translation>
    </message>
    <message>
        <source>First run of this address.</source>
        <translation>نخستین اجرا برای این نشانی.</translation>
    </message>
</context>
<context>
    <name>RecommendationView</name>
    <message>
        <source>The engine failed: {error}</source>
        <translation>موتور توصیه با خطا متوقف شد: {error}</translation>
    </message>
    <message>
        <source>Open the guide at {section}</source>
        <translation>باز کردن راهنمای فنی در بخش {section}</translation>
    </message>
    <message>
        <source>Not stated, and decisive in real teams&apos; choices: {inputs}.</source>
        <translation>بیان‌نشده، ولی تعیین‌کننده در انتخاب تیم‌های واقعی: {inputs}.</translation>
    </message>
    <message>
        <source>; </source>
        <translation>؛ </translation>
    </message>
    <message>
        <source>No longer: {text}</source>
        <translation>دیگر نه: {text}</translation>
    </message>
    <message>
        <source>Hybrid design</source>
        <translation>طراحی ترکیبی</translation>
    </message>
    <message>
        <source>What would change the answer</source>
        <translation>چه چیزی پاسخ را تغییر می‌دهد</translation>
    </message>
    <message>
        <source> — ruled out</source>
        <translation> — کنار گذاشته شد</translation>
    </message>
    <message>
        <source>Rules it out</source>
        <translation>کنارش می‌گذارد</translation>
    </message>
    <message>
        <source>For</source>
        <translation>موافق</translation>
    </message>
    <message>
        <source>Against</source>
        <translation>مخالف</translation>
    </message>
    <message>
        <source>Pattern:</source>
        <translation>الگو:</translation>
    </message>
    <message>
        <source>Configuration advice:</source>
        <translation>توصیه‌های پیکربندی:</translation>
    </message>
    <message>
        <source>Teams with similar workloads</source>
        <translation>تیم‌هایی با بار کاری مشابه</translation>
    </message>
    <message>
        <source>(a different choice)</source>
        <translation>(انتخابی متفاوت)</translation>
    </message>
    <message>
        <source>similarity {value}</source>
        <translation>شباهت {value}</translation>
    </message>
    <message>
        <source>Capacity estimates</source>
        <translation>برآورد ظرفیت</translation>
    </message>
    <message>
        <source>Rulebook {hash}, Broker Advisor {version}</source>
        <translation>مجموعهٔ قواعد {hash}، Broker Advisor {version}</translation>
    </message>
    <message>
        <source>Set this requirement to the threshold (Undo takes it back)</source>
        <translation>این نیازمندی روی آستانه تنظیم شود («واگرد» آن را برمی‌گرداند)</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>اعمال</translation>
    </message>
    <message>
        <source>Open a copy of this workload with the threshold applied, beside this one</source>
        <translation>یک رونوشت از این بار کاری با آستانهٔ اعمال‌شده، کنار همین یکی باز شود</translation>
    </message>
    <message>
        <source>Apply as variant</source>
        <translation>اعمال به‌عنوان گونه</translation>
    </message>
    <message>
        <source>ruled out</source>
        <translation>کنار گذاشته شد</translation>
    </message>
    <message>
        <source>{score} / 100</source>
        <translation>{score} از ۱۰۰</translation>
    </message>
    <message>
        <source>{broker} score</source>
        <translation>امتیاز {broker}</translation>
    </message>
    <message>
        <source>{score} out of 100</source>
        <translation>{score} از ۱۰۰</translation>
    </message>
    <message>
        <source>recommended</source>
        <translation>توصیه‌شده</translation>
    </message>
    <message>
        <source>Recommendation</source>
        <translation>توصیه</translation>
    </message>
    <message>
        <source>Working out the recommendation…</source>
        <translation>در حال محاسبهٔ توصیه…</translation>
    </message>
    <message>
        <source>Recommended broker</source>
        <translation>broker توصیه‌شده</translation>
    </message>
    <message>
        <source>Probe contradicts the recommendation</source>
        <translation>probe با توصیه تناقض دارد</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>خلاصه</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>اطمینان</translation>
    </message>
    <message>
        <source>Assumed values</source>
        <translation>مقادیر فرض‌شده</translation>
    </message>
    <message>
        <source>Recommendation details</source>
        <translation>جزئیات توصیه</translation>
    </message>
    <message>
        <source>A tie: {brokers}</source>
        <translation>تساوی: {brokers}</translation>
    </message>
    <message>
        <source> or </source>
        <translation> یا </translation>
    </message>
    <message>
        <source>Use {broker}</source>
        <translation>از {broker} استفاده کنید</translation>
    </message>
    <message>
        <source>No broker fits every requirement</source>
        <translation>هیچ brokerی با همهٔ نیازمندی‌ها جور نیست</translation>
    </message>
    <message>
        <source>high</source>
        <translation>زیاد</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>متوسط</translation>
    </message>
    <message>
        <source>low</source>
        <translation>کم</translation>
    </message>
    <message>
        <source>Confidence: {level}</source>
        <translation>اطمینان: {level}</translation>
    </message>
    <message>
        <source>From the probe tab; the recommendation itself is unchanged.</source>
        <translation>از زبانهٔ Probe؛ خود توصیه تغییری نکرده است.</translation>
    </message>
    <message>
        <source>Every value is assumed (a blank workload): this answer rests on defaults. Set what you know, in the form on the left.</source>
        <translation>همهٔ مقادیر فرض‌شده‌اند (بار کاری خالی): این پاسخ بر پایهٔ مقادیر پیش‌فرض است. آنچه را می‌دانید در فرم کناری وارد کنید.</translation>
    </message>
    <message>
        <source>{assumed} of {total} values are assumed (in italics in the form): set the ones you know.</source>
        <translation>{assumed} از {total} مقدار فرض‌شده‌اند (در فرم به‌صورت ایتالیک): آن‌هایی را که می‌دانید وارد کنید.</translation>
    </message>
    <message>
        <source>The workload has problems (see the editor): this is the last valid recommendation, and it may be out of date.</source>
        <translation>بار کاری مشکل دارد (ویرایشگر را ببینید): این آخرین توصیهٔ معتبر است و ممکن است قدیمی باشد.</translation>
    </message>
</context>
<context>
    <name>Scenarios</name>
    <message>
        <source>Original</source>
        <translation>اصلی</translation>
    </message>
    <message>
        <source>Variant {number}</source>
        <translation>گونهٔ {number}</translation>
    </message>
</context>
<context>
    <name>SensitivityChart</name>
    <message>
        <source>Requirement to vary</source>
        <translation>نیازمندی‌ای که تغییر می‌کند</translation>
    </message>
    <message>
        <source>&amp;Vary:</source>
        <translation>&amp;تغییر:</translation>
    </message>
    <message>
        <source>Sensitivity summary</source>
        <translation>خلاصهٔ حساسیت</translation>
    </message>
    <message>
        <source>Scores across the range</source>
        <translation>امتیازها در سراسر بازه</translation>
    </message>
    <message>
        <source>The workload has problems: fix them to see the chart.</source>
        <translation>بار کاری مشکل دارد: برای دیدن نمودار آن‌ها را برطرف کنید.</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>در حال محاسبه…</translation>
    </message>
    <message>
        <source>The sweep failed: {error}</source>
        <translation>پیمایش بازه ناموفق بود: {error}</translation>
    </message>
    <message>
        <source>Scores as {field} varies</source>
        <translation>امتیازها با تغییر {field}</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>امتیاز</translation>
    </message>
    <message>
        <source>Now: {value}</source>
        <translation>اکنون: {value}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>هیچ</translation>
    </message>
    <message>
        <source>Flip: {before} → {after} at {value}</source>
        <translation>جابه‌جایی: {before} ← {after} در {value}</translation>
    </message>
    <message>
        <source>{low} to {high}</source>
        <translation>{low} تا {high}</translation>
    </message>
    <message>
        <source>the same broker</source>
        <translation>همان broker</translation>
    </message>
    <message>
        <source>From {span} the answer stays {broker}: no flip point in the realistic range.</source>
        <translation>از {span} پاسخ همان {broker} می‌ماند: در بازهٔ واقع‌بینانه هیچ نقطهٔ جابه‌جایی‌ای نیست.</translation>
    </message>
    <message>
        <source>; </source>
        <translation>؛ </translation>
    </message>
    <message>
        <source>{before} → {after} at {value}</source>
        <translation>{before} ← {after} در {value}</translation>
    </message>
    <message>
        <source>From {span}: {flips} (now {value}).</source>
        <translation>از {span}: {flips} (اکنون {value}).</translation>
    </message>
</context>
<context>
    <name>SensitivityDialog</name>
    <message>
        <source>Sensitivity</source>
        <translation>حساسیت</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>میان‌برهای صفحه‌کلید</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>منو</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>فرمان</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>کلیدها</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to Broker Advisor</source>
        <translation>به Broker Advisor خوش آمدید</translation>
    </message>
    <message>
        <source>Which broker fits your workload?</source>
        <translation>کدام broker با بار کاری شما جور است؟</translation>
    </message>
    <message>
        <source>Start from a typical workload and change what differs in yours, or describe one from scratch. The recommendation follows every change, with its reasons; values you have not set are marked &lt;i&gt;assumed&lt;/i&gt;.</source>
        <translation>از یک بار کاری رایج شروع کنید و آنچه را در بار کاری شما فرق دارد تغییر دهید، یا از صفر یکی توصیف کنید. توصیه با هر تغییر، همراه با دلایلش، به‌روز می‌شود؛ مقادیری که تنظیم نکرده‌اید &lt;i&gt;فرض‌شده&lt;/i&gt; علامت می‌خورند.</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>نمونه‌های آماده</translation>
    </message>
    <message>
        <source>&amp;Presets:</source>
        <translation>نمونه‌های &amp;آماده:</translation>
    </message>
    <message>
        <source>&amp;Show this window at every start</source>
        <translation>این پنجره در هر &amp;شروع نمایش داده شود</translation>
    </message>
    <message>
        <source>&amp;Open Preset</source>
        <translation>&amp;باز کردن نمونهٔ آماده</translation>
    </message>
    <message>
        <source>Start &amp;Blank</source>
        <translation>شروع &amp;خالی</translation>
    </message>
    <message>
        <source>A new workload with nothing stated: every value assumed</source>
        <translation>بار کاری جدیدی که هیچ چیزش بیان نشده: همهٔ مقادیر فرض‌شده</translation>
    </message>
</context>
<context>
    <name>WorkloadEditor</name>
    <message>
        <source>Workload</source>
        <translation>بار کاری</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>حجم</translation>
    </message>
    <message>
        <source>Retention &amp; ordering</source>
        <translation>نگه‌داری و ترتیب</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>تحویل</translation>
    </message>
    <message>
        <source>Consumers &amp; routing</source>
        <translation>مصرف‌کننده‌ها و مسیریابی</translation>
    </message>
    <message>
        <source>Workers &amp; connections</source>
        <translation>workerها و اتصال‌ها</translation>
    </message>
    <message>
        <source>Features</source>
        <translation>قابلیت‌ها</translation>
    </message>
    <message>
        <source>Devices &amp; browsers</source>
        <translation>دستگاه‌ها و مرورگرها</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>دسترس‌پذیری</translation>
    </message>
    <message>
        <source>Stack</source>
        <translation>پشتهٔ فناوری</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>سازمان</translation>
    </message>
    <message>
        <source>Operations</source>
        <translation>عملیات</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>نسخه‌ها</translation>
    </message>
    <message>
        <source>Change {field}</source>
        <translation>تغییر {field}</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>بی‌نام</translation>
    </message>
    <message>
        <source>Workload editor</source>
        <translation>ویرایشگر بار کاری</translation>
    </message>
    <message>
        <source>(assumed: not stated, the default is used)</source>
        <translation>(فرض‌شده: بیان نشده و مقدار پیش‌فرض به کار می‌رود)</translation>
    </message>
    <message>
        <source>(assumed)</source>
        <translation>(فرض‌شده)</translation>
    </message>
    <message>
        <source>assumed</source>
        <translation>فرض‌شده</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>سایر</translation>
    </message>
    <message>
        <source>Range: {range}</source>
        <translation>بازه: {range}</translation>
    </message>
    <message>
        <source>What the system does, who consumes it…</source>
        <translation>سیستم چه می‌کند، چه کسی مصرفش می‌کند…</translation>
    </message>
    <message>
        <source>{broker} version</source>
        <translation>نسخهٔ {broker}</translation>
    </message>
    <message>
        <source>current release: {version}</source>
        <translation>آخرین نسخهٔ منتشرشده: {version}</translation>
    </message>
    <message>
        <source>current release</source>
        <translation>آخرین نسخهٔ منتشرشده</translation>
    </message>
    <message>
        <source>{low} to {high}</source>
        <translation>{low} تا {high}</translation>
    </message>
</context>
<context>
    <name>_BrokerPage</name>
    <message>
        <source>Probe {broker}</source>
        <translation>probe {broker}</translation>
    </message>
    <message>
        <source>Probe only the {broker} connection</source>
        <translation>فقط اتصال {broker} probe شود</translation>
    </message>
    <message>
        <source>{broker} probe progress</source>
        <translation>پیشرفت probe {broker}</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>بیکار</translation>
    </message>
    <message>
        <source>Not probed yet.</source>
        <translation>هنوز probe نشده است.</translation>
    </message>
    <message>
        <source>{broker} probe summary</source>
        <translation>خلاصهٔ probe {broker}</translation>
    </message>
    <message>
        <source>{broker} checks and verdicts</source>
        <translation>بررسی‌ها و ارزیابی‌های {broker}</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>بررسی</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>مرحله</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>زمان</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>ارقام</translation>
    </message>
    <message>
        <source>{broker} check details</source>
        <translation>جزئیات بررسی‌های {broker}</translation>
    </message>
    <message>
        <source>Select a check to see what happened and what to do.</source>
        <translation>یک بررسی را انتخاب کنید تا ببینید چه اتفاقی افتاد و چه باید کرد.</translation>
    </message>
    <message>
        <source>Probing {url}…</source>
        <translation>در حال probe {url}…</translation>
    </message>
    <message>
        <source>cancelling…</source>
        <translation>در حال لغو…</translation>
    </message>
    <message>
        <source>{elapsed} s of {budget} s</source>
        <translation>{elapsed} از {budget} ثانیه</translation>
    </message>
    <message>
        <source>Verdicts for {name}</source>
        <translation>ارزیابی‌ها برای {name}</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>ارزیابی</translation>
    </message>
    <message>
        <source>No requirement of the workload applies</source>
        <translation>هیچ نیازمندی‌ای از بار کاری به این مورد مربوط نیست</translation>
    </message>
    <message>
        <source>could not judge the workload: {error}</source>
        <translation>ارزیابی بار کاری ممکن نشد: {error}</translation>
    </message>
    <message>
        <source>checks: {tally}</source>
        <translation>بررسی‌ها: {tally}</translation>
    </message>
    <message>
        <source>; verdicts: {tally}</source>
        <translation>؛ ارزیابی‌ها: {tally}</translation>
    </message>
    <message>
        <source>{target} in {time} (budget {budget})</source>
        <translation>{target} در {time} (بودجه {budget})</translation>
    </message>
    <message>
        <source>stage {stage}</source>
        <translation>مرحلهٔ {stage}</translation>
    </message>
    <message>
        <source>Skipped: {reason}</source>
        <translation>رد شد: {reason}</translation>
    </message>
    <message>
        <source>Hint:</source>
        <translation>راهنمایی:</translation>
    </message>
    <message>
        <source>Advice:</source>
        <translation>توصیه:</translation>
    </message>
    <message>
        <source>Evidence: check {id}</source>
        <translation>شاهد: بررسی {id}</translation>
    </message>
    <message>
        <source>Cancelled after {time}; the previous result ({started}) is kept.</source>
        <translation>پس از {time} لغو شد؛ نتیجهٔ قبلی ({started}) نگه داشته شده است.</translation>
    </message>
    <message>
        <source>Cancelled after {time}: 1 check ran; nothing is kept.</source>
        <translation>پس از {time} لغو شد: ۱ بررسی اجرا شد؛ چیزی نگه داشته نمی‌شود.</translation>
    </message>
    <message>
        <source>Cancelled after {time}: {count} checks ran; nothing is kept.</source>
        <translation>پس از {time} لغو شد: {count} بررسی اجرا شد؛ چیزی نگه داشته نمی‌شود.</translation>
    </message>
    <message>
        <source>The probe stopped unexpectedly: {error}</source>
        <translation>probe به‌طور غیرمنتظره متوقف شد: {error}</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>لغوشده</translation>
    </message>
    <message>
        <source>done</source>
        <translation>تمام شد</translation>
    </message>
</context>
<context>
    <name>_ConnectionForm</name>
    <message>
        <source>{broker} URL</source>
        <translation>URL {broker}</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>&amp;گذرواژه</translation>
    </message>
    <message>
        <source>{broker} password</source>
        <translation>گذرواژهٔ {broker}</translation>
    </message>
    <message>
        <source>{broker} AMQP URL</source>
        <translation>URL AMQP {broker}</translation>
    </message>
    <message>
        <source>{broker} management URL</source>
        <translation>URL مدیریت (management) {broker}</translation>
    </message>
    <message>
        <source>optional: {example}</source>
        <translation>اختیاری: {example}</translation>
    </message>
    <message>
        <source>{broker} management password</source>
        <translation>گذرواژهٔ مدیریت {broker}</translation>
    </message>
    <message>
        <source>its password</source>
        <translation>گذرواژهٔ آن</translation>
    </message>
    <message>
        <source>&amp;Management</source>
        <translation>&amp;مدیریت</translation>
    </message>
    <message>
        <source>Kafka bootstrap servers</source>
        <translation>bootstrap serverهای Kafka</translation>
    </message>
    <message>
        <source>{example} or {other}</source>
        <translation>{example} یا {other}</translation>
    </message>
    <message>
        <source>&amp;Bootstrap</source>
        <translation>&amp;Bootstrap</translation>
    </message>
    <message>
        <source>Kafka SASL mechanism</source>
        <translation>سازوکار SASL در Kafka</translation>
    </message>
    <message>
        <source>SASL mechanism, used when a SASL user is given</source>
        <translation>سازوکار SASL، وقتی کاربر SASL داده شده باشد به کار می‌رود</translation>
    </message>
    <message>
        <source>Kafka SASL user</source>
        <translation>کاربر SASL در Kafka</translation>
    </message>
    <message>
        <source>SASL &amp;user</source>
        <translation>&amp;کاربر SASL</translation>
    </message>
    <message>
        <source>SASL pass&amp;word</source>
        <translation>&amp;گذرواژهٔ SASL</translation>
    </message>
    <message>
        <source>Kafka SASL password</source>
        <translation>گذرواژهٔ SASL در Kafka</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>اختیاری</translation>
    </message>
    <message>
        <source>Masked; never copied, and saved only if you remember passwords</source>
        <translation>پنهان؛ هرگز کپی نمی‌شود و فقط اگر به خاطر سپردن گذرواژه‌ها را انتخاب کنید ذخیره می‌شود</translation>
    </message>
    <message>
        <source>enter the {field}</source>
        <translation>{field} را وارد کنید</translation>
    </message>
    <message>
        <source>{url} is a {broker} address; use the {broker} tab, or a {this} URL here</source>
        <translation>{url} نشانی {broker} است؛ از زبانهٔ {broker} استفاده کنید یا اینجا URL {this} بدهید</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>page {page} of {pages}</source>
        <translation>صفحهٔ {page} از {pages}</translation>
    </message>
</context>
</TS>
